/**
 * Tool outputs posted to the AI SDK chat route for calls the job never asked the browser for —
 * an unknown id, the job's own server tool's call — or for a browser's call answered already with
 * another output: refused with a 4xx naming the call and why (400: never asked; 409: answered
 * already), answering nothing. The same message posted again — the outputs the job gave, the
 * answer it took — still goes through (the SDK posts the whole message back). The job is started
 * and answered through the engine; the posts go through the real route.
 */
import { describe, expect, it, vi } from 'vitest'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import type { ModelRequest } from '../../server/lib/model/types'
import { useServedRoutes } from '../support/route-app'
import { postTurn } from '../support/superseded-answers'
import { locationAndTime, locationAndTimeTools } from '../support/calls-then-answer'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const requests: ModelRequest[] = []
/** Holds the model's answer after the tool results until opened. */
let gate = Promise.resolve()

/** To a user message: `get_location` (client) and `get_time` (server); after their results (and the gate): what the location tool said. */
const model = locationAndTime(requests, () => gate)

const app = useServedRoutes({ runners: { chat: runChatJob }, model, tools: locationAndTimeTools() })
const userMessage = { id: 'user-msg', role: 'user', parts: [{ type: 'text', text: 'Where am I?' }] }

/** Starts chat `chatId`'s job (its response ends as it waits for the browser); `answer`, when given, answers the call. */
async function answeredJob(chatId: string, answer?: { output: unknown } | { error: string }) {
  const started = await postTurn(app.base, { id: chatId, messages: [userMessage], tools: ['get_location', 'get_time'] })
  const jobId = started.jobId!
  const request = (await app.engine.getJob('user-1', jobId)).state.pendingInputs.find(input => input.kind === 'tool-output')
  expect(request).toMatchObject({ toolCallId: 'call_loc' })
  if (answer) await app.engine.answerInput('user-1', jobId, { requestId: request!.requestId, answer })
  return jobId
}

type ToolPart = { type: string, toolCallId: string, state: string, input: unknown, output?: unknown, errorText?: string }
const location = (state: Partial<ToolPart>): ToolPart => ({ type: 'tool-get_location', toolCallId: 'call_loc', state: 'output-available', input: {}, ...state })
const time = (state: Partial<ToolPart>): ToolPart => ({ type: 'tool-get_time', toolCallId: 'call_time', state: 'output-available', input: {}, ...state })

/** Posts, as `sendAutomaticallyWhen` does, the assistant message `jobId` with `parts` (after a step start). */
function postOutputs(chatId: string, jobId: string, parts: ToolPart[]) {
  const messages = [userMessage, { id: jobId, role: 'assistant', parts: [{ type: 'step-start' }, ...parts] }]
  return postTurn(app.base, { id: chatId, messages, trigger: 'submit-message', messageId: jobId })
}

describe('a tool output for a call the job never asked the browser for', () => {
  it('an output-error for an unknown call id: a 400 naming the call, answering nothing', async () => {
    const jobId = await answeredJob('chat-refused-unknown-error')
    const before = (await app.engine.getJob('user-1', jobId)).state
    const refused = await postOutputs('chat-refused-unknown-error', jobId, [location({ state: 'input-available' }), location({ toolCallId: 'call_other', state: 'output-error', errorText: 'denied' })])
    // Before: 200, the settled stream; the error reached nothing and the client showed it as given.
    expect(refused.status).toBe(400)
    expect(refused.body).toMatch(/^messages\.1\.parts\.2: an output for tool call "call_other" \(get_location, a runtime: 'client' tool\) that its job did not give: .*the job has no such call/)
    expect((await app.engine.getJob('user-1', jobId)).state).toEqual(before)
  })

  it('another output for the job\'s own server tool\'s completed call: a 400; the output the job gave goes through', async () => {
    const jobId = await answeredJob('chat-refused-server', { output: 'Berlin' })
    await app.engine.whenSettled(jobId)
    const given = location({ output: 'Berlin' })
    const refused = await postOutputs('chat-refused-server', jobId, [given, time({ output: '13:00' })])
    // Before: 200, the settled stream.
    expect(refused.status).toBe(400)
    expect(refused.body).toMatch(/^messages\.1\.parts\.2: an output for tool call "call_time" \(get_time\) that its job did not give: tools run in the background job on the server; the job completed this call with another output/)
    const failed = await postOutputs('chat-refused-server', jobId, [given, time({ state: 'output-error', errorText: 'clock broken' })])
    expect(failed.status).toBe(400)
    expect(failed.body).toMatch(/"call_time" \(get_time\) that its job did not give: .* the job completed this call/)
    // The message as the job gave it (the SDK posting it back): the settled stream, as before.
    expect((await postOutputs('chat-refused-server', jobId, [given, time({ output: '12:00' })])).status).toBe(200)
  })
})

describe('a browser\'s output for a call answered already', () => {
  it('another output: a 409 naming the call and the answer taken; the same output again still goes through', async () => {
    const jobId = await answeredJob('chat-stale-output', { output: 'Berlin' })
    await app.engine.whenSettled(jobId)
    const before = (await app.engine.getJob('user-1', jobId)).state
    const stale = await postOutputs('chat-stale-output', jobId, [location({ output: 'Paris' }), time({ output: '12:00' })])
    // Before: 200, the settled stream: the client showed Paris, the model had read Berlin.
    expect(stale.status).toBe(409)
    expect(stale.body).toMatch(/^messages\.1\.parts\.1: tool call "call_loc" \(get_location\) was answered already, with another output: .*this one is not taken/)
    const error = await postOutputs('chat-stale-output', jobId, [location({ state: 'output-error', errorText: 'denied' }), time({ output: '12:00' })])
    expect(error.status).toBe(409)
    expect(error.body).toMatch(/"call_loc" \(get_location\) was answered already, with an output/)
    expect((await app.engine.getJob('user-1', jobId)).state).toEqual(before)
    expect((await postOutputs('chat-stale-output', jobId, [location({ output: 'Berlin' }), time({ output: '12:00' })])).status).toBe(200)
  })

  it('the same output is compared as JSON: a -0 the client wrote is the 0 the job took', async () => {
    const jobId = await answeredJob('chat-same-json', { output: { lat: 0 } })
    await app.engine.whenSettled(jobId)
    const messages = [userMessage, { id: jobId, role: 'assistant', parts: [{ type: 'step-start' }, location({ output: { lat: 0 } }), time({ output: '12:00' })] }]
    const body = JSON.stringify({ id: 'chat-same-json', messages, trigger: 'submit-message', messageId: jobId }).replace('"lat":0', '"lat":-0')
    expect(body).toContain('"lat":-0')
    const posted = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    expect(await posted.text()).not.toMatch(/answered already/)
    expect(posted.status).toBe(200)
  })

  it('answered with an error, then an output: a 409 (before: a 400 saying no output came in time); the same error again goes through', async () => {
    const jobId = await answeredJob('chat-stale-error', { error: 'the user said no' })
    await app.engine.whenSettled(jobId)
    const stale = await postOutputs('chat-stale-error', jobId, [location({ output: 'Paris' }), time({ output: '12:00' })])
    expect(stale.status).toBe(409)
    expect(stale.body).toMatch(/"call_loc" \(get_location\) was answered already, with an error \("the user said no"\)/)
    // Posted again: the browser's own error, or the end the job's stream gave the call.
    expect((await postOutputs('chat-stale-error', jobId, [location({ state: 'output-error', errorText: 'the user said no' }), time({ output: '12:00' })])).status).toBe(200)
    const ended = 'Tool "get_location" failed in the user\'s browser: the user said no'
    expect((await postOutputs('chat-stale-error', jobId, [location({ state: 'output-error', errorText: ended }), time({ output: '12:00' })])).status).toBe(200)
  })

  it('while the job runs on with the first answer: a 409, and the job goes on with the first', async () => {
    let openGate: () => void = () => {}
    gate = new Promise<void>(resolve => (openGate = resolve))
    try {
      const jobId = await answeredJob('chat-stale-running', { output: 'Berlin' })
      const messages = [userMessage, { id: jobId, role: 'assistant', parts: [{ type: 'step-start' }, location({ output: 'Paris' }), time({ output: '12:00' })] }]
      const stale = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: 'chat-stale-running', messages, trigger: 'submit-message', messageId: jobId }) })
      // Before: 200, the job's stream from before the first answer, as for the same output posted again.
      expect(stale.status).toBe(409)
      await stale.body?.cancel()
      openGate()
      await app.engine.whenSettled(jobId)
      expect((await app.engine.getJob('user-1', jobId)).state.content).toBe('Location tool said "Berlin"')
    }
    finally {
      openGate()
      gate = Promise.resolve()
    }
  })
})
