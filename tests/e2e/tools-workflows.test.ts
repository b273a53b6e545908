/**
 * Tools and workflows over HTTP, with nobody watching while they run: the server executes tool
 * calls and workflow nodes in the background; a viewer that joins later sees the whole history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import { createClient, textFromFrames } from '../support/http-client'
import type { MockUpstream, RecordedRequest } from '../support/mock-upstream'
import { startMockUpstream } from '../support/mock-upstream'

type Message = { role: string, content: string | null, tool_calls?: unknown[] }

/** A two-step tool conversation: time, then a calculation, then the answer. */
function twoStepTurn(request: RecordedRequest) {
  const messages = (request.body?.messages ?? []) as Message[]
  const toolResults = messages.filter(message => message.role === 'tool').length
  const prompt = messages.find(message => message.role === 'user')?.content ?? ''
  if (prompt.includes('word count')) {
    return toolResults === 0
      ? { chunks: [], toolCalls: [{ id: 'wc1', name: 'fixture_word_count', arguments: '{"text":"alpha beta gamma delta"}' }] }
      : { chunks: ['The text has ', String(JSON.parse(String(messages.at(-1)!.content)).words), ' words.'] }
  }
  if (toolResults === 0) return { chunks: ['Let me check. '], toolCalls: [{ id: 'call_time', name: 'get_current_time', arguments: '{}' }] }
  if (toolResults === 1) return { chunks: [], toolCalls: [{ id: 'call_calc', name: 'calculate', arguments: '{"expression":"6*7"}' }] }
  return { chunks: ['Done: the answer is ', '42', '.'] }
}

let upstream: MockUpstream
let app: AppServer
let scripted: AppServer

beforeAll(async () => {
  upstream = await startMockUpstream(request => twoStepTurn(request))
  ;[app, scripted] = await Promise.all([
    startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'test-key' }),
    // No API key: the built-in scripted model, as in `npm run dev`.
    startAppServer({ NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '2' }),
  ])
})

afterAll(async () => {
  await Promise.all([app?.stop(), scripted?.stop()])
  await upstream?.close()
})

/** Waits for a job to reach a status using the user's notification stream (no polling). */
async function waitForNotification(client: ReturnType<typeof createClient>, jobId: string, type: string) {
  const notifications = await client.stream('/api/jobs/notifications?after=0')
  try {
    return await notifications.waitFor(frame => frame.event === type && frame.data.jobId === jobId)
  }
  finally {
    notifications.close()
  }
}

describe('tools in the background', () => {
  it('a two-step tool conversation completes with no viewer; a later viewer sees both calls and the text', async () => {
    const user = await createClient(app.url).init()
    const before = upstream.requests.length
    const { body: job } = await user.post('/api/jobs', {
      messages: [{ role: 'user', content: 'What time is it, and what is 6*7?' }],
      tools: ['get_current_time', 'calculate'],
      // Smuggled definitions and prompts have no effect.
      tool_definitions: [{ name: 'rm_rf', description: 'evil' }],
      functions: [{ name: 'evil' }],
    })
    await waitForNotification(user, job.id, 'job-end')
    const replay = await user.stream(job.streamUrl)
    await replay.ended
    const state = replay.frames[0]!.data
    expect(replay.frames.map(frame => frame.event)).toEqual(['snapshot', 'job-end'])
    expect(replay.frames[1]!.data.status).toBe('completed')
    expect(state.toolCalls.map((call: { name: string, status: string }) => [call.name, call.status])).toEqual([
      ['get_current_time', 'completed'],
      ['calculate', 'completed'],
    ])
    expect(state.toolCalls[1].result).toMatchObject({ result: 42 })
    expect(state.content).toBe('Let me check. \n\nDone: the answer is 42.')
    expect(replay.frames[1]!.data.metrics).toMatchObject({ tool_call_count: 2, total_rounds: 3 })
    const sent = upstream.requests.slice(before)
    expect(sent).toHaveLength(3)
    const offered = (sent[0]!.body!.tools as Array<{ function: { name: string } }>).map(tool => tool.function.name)
    expect(offered.sort()).toEqual(['calculate', 'get_current_time'])
    expect(JSON.stringify(sent)).not.toContain('rm_rf')
    // The model saw the tool results as tool messages.
    expect((sent[2]!.body!.messages as Message[]).filter(message => message.role === 'tool')).toHaveLength(2)
  })

  it('an app-defined tool in the fixture app\'s server/tools/ is offered and runs', async () => {
    const user = await createClient(app.url).init()
    const before = upstream.requests.length
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'word count please' }] })
    await waitForNotification(user, job.id, 'job-end')
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state.toolCalls[0]).toMatchObject({ name: 'fixture_word_count', status: 'completed', result: { words: 4 } })
    expect(body.state.content).toBe('The text has 4 words.')
    const offered = (upstream.requests[before]!.body!.tools as Array<{ function: { name: string } }>).map(tool => tool.function.name)
    expect(offered).toContain('fixture_word_count')
  })

  it('the scripted model runs the demo tools offline, two steps in a row', async () => {
    const user = await createClient(scripted.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'What time is it? Then calculate 2+3*4' }] })
    await waitForNotification(user, job.id, 'job-end')
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state.status).toBe('completed')
    expect(body.state.toolCalls.map((call: { name: string }) => call.name)).toEqual(['get_current_time', 'calculate'])
    expect(body.state.toolCalls[1].result).toMatchObject({ result: 14 })
    expect(body.state.content).toContain('14')
  })

  it('a tool that needs approval waits; the owner approves from another connection and it continues', async () => {
    const user = await createClient(scripted.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'Please delete notes.txt' }] })
    const request = await waitForNotification(user, job.id, 'input-request')
    const { body: waiting } = await user.get(`/api/jobs/${job.id}`)
    expect(waiting.state.status).toBe('waiting')
    expect(waiting.state.pendingInputs[0]).toMatchObject({ kind: 'tool-approval', tool: 'delete_file' })
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: request.data.requestId, answer: 'perhaps' })).status).toBe(400)
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: request.data.requestId, answer: 'approve' })).status).toBe(200)
    // The same answer again is the one taken (a retry); another one is a 409.
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: request.data.requestId, answer: 'approve' })).status).toBe(200)
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: request.data.requestId, answer: 'deny' })).status).toBe(409)
    await waitForNotification(user, job.id, 'job-end')
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state.status).toBe('completed')
    expect(body.state.toolCalls[0]).toMatchObject({ name: 'delete_file', status: 'completed' })
    expect(body.state.answeredInputs[0]).toMatchObject({ answer: { approved: true }, answeredBy: expect.stringMatching(/^anon_/) })
  })

  it('a denial with a reason beside the answer: the call is denied and the reason kept, as documented', async () => {
    const user = await createClient(scripted.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'Please delete notes.txt' }] })
    const request = await waitForNotification(user, job.id, 'input-request')
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: request.data.requestId, answer: 'deny', reason: 'not that file' })).status).toBe(200)
    await waitForNotification(user, job.id, 'job-end')
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state.toolCalls[0]).toMatchObject({ name: 'delete_file', status: 'denied', error: expect.stringContaining(': not that file.') })
    expect(body.state.answeredInputs[0]).toMatchObject({ answer: { approved: false, reason: 'not that file' } })
  })
})

describe('workflows in the background', () => {
  it('runs with no viewer, waits for input, is answered from a new tab, completes; the replay shows every node in order', async () => {
    const user = await createClient(scripted.url).init()
    const created = await user.post('/api/jobs', { workflow: 'research-report', input: { topic: 'tide pools' } })
    expect(created.status).toBe(202)
    const job = created.body
    const request = await waitForNotification(user, job.id, 'input-request')
    // A "new tab": a fresh stream connection sees the waiting state in its snapshot.
    const tab = await user.stream(job.streamUrl)
    const snapshot = await tab.waitFor(frame => frame.event === 'snapshot')
    expect(snapshot.data.status).toBe('waiting')
    expect(snapshot.data.executionOrder).toEqual(['research', 'draft', 'approval'])
    const wrong = await user.post(`/api/jobs/${job.id}/input`, { requestId: request.data.requestId, answer: { approved: 'yes' } })
    expect(wrong.status).toBe(400)
    expect(wrong.body.message).toContain('approved')
    expect((await user.get(`/api/jobs/${job.id}`)).body.state.status).toBe('waiting')
    expect((await user.post(`/api/jobs/${job.id}/input`, { requestId: request.data.requestId, answer: { approved: true } })).status).toBe(200)
    const end = await tab.waitFor(frame => frame.event === 'job-end')
    expect(end.data.status).toBe('completed')
    const replay = await user.stream(job.streamUrl)
    await replay.ended
    const state = replay.frames[0]!.data
    expect(state.executionOrder).toEqual(['research', 'draft', 'approval', 'review', 'final'])
    expect(Object.values(state.nodeStates).every((node: any) => node.status === 'completed')).toBe(true)
    expect(textFromFrames(replay.frames)).toContain('## Report: tide pools')
  })

  it('rejects unknown workflows and bad input with a 400 naming the problem', async () => {
    const user = await createClient(scripted.url).init()
    const unknown = await user.post('/api/jobs', { workflow: 'nope', input: {} })
    expect(unknown.status).toBe(400)
    expect(unknown.body.message).toMatch(/^Unknown workflow "nope"; this server has: .*"research-report"/)
    const bad = await user.post('/api/jobs', { workflow: 'research-report', input: { topic: '' } })
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('topic')
  })

  it('abort while waiting ends the workflow aborted', async () => {
    const user = await createClient(scripted.url).init()
    const { body: job } = await user.post('/api/jobs', { workflow: 'research-report', input: { topic: 'owls' } })
    await waitForNotification(user, job.id, 'input-request')
    expect((await user.post(`/api/jobs/${job.id}/abort`)).body.job.status).toBe('aborted')
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state.status).toBe('aborted')
    expect(body.state.pendingInputs).toEqual([])
  })
})
