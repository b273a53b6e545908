/**
 * The AI SDK route's client does not keep text the store refused (decision 54). The route maps the
 * job's viewer frames; before its end, a viewer that was streamed text the store never took gets a
 * snapshot of the stored state. The mapper takes the text back with a `reset-step` chunk (the round
 * written again as stored); before, it skipped that snapshot (not past the client's seq) and the
 * SDK's message kept the refused text. Text of an earlier round, which no chunk can take back, is
 * named in the end's error (a reload reads the stored answer). Read back by the SDK itself.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import type { JobEvent } from '../../shared/events'
import { createUiChunkMapper } from '../../server/lib/ai-sdk/chunk-mapper'
import { NOT_ALL_TAKEN_BACK } from '../../server/lib/ai-sdk/taken-back-chunks'
import { partsFromChunks } from '../../server/lib/ai-sdk/ui-parts'
import type { ViewerFrame } from '../../server/lib/viewer'
import type { JobRunners } from '../../server/lib/engine-types'
import { createJobState } from '../../shared/reducer'
import { chatRequest, createRecordingSink, createTestEngine } from '../support/engine-harness'
import { helloThenBadText, holdsBadText, refusingAppends } from '../support/refusing-appends'
import { sdkMessage } from '../support/sdk-message'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))

/** A chat of two rounds: "Hello " in the first, "More " then "bad text" in the second. */
const twoRounds: JobRunners = {
  async chat(context) {
    context.emit({ type: 'step-start', step: 1 })
    context.text('Hello ')
    await wait(200)
    context.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls', toolCallCount: 0 })
    context.emit({ type: 'step-start', step: 2 })
    context.text('More ')
    await wait(200)
    context.text('bad text')
    await wait(200)
  },
}

/** The UI chunks the route sends a client that follows the job from its start (the live viewer's frames). */
function responseOf(jobId: string, frames: readonly ViewerFrame[]) {
  const mapper = createUiChunkMapper({ messageId: jobId, known: createJobState({ id: jobId, type: 'chat', createdAt: 0 }) })
  const chunks = [...mapper.start(), ...frames.flatMap(frame => mapper.frame(frame))]
  return { chunks, done: mapper.done }
}

const partsOf = (message: UIMessage) => message.parts.filter(part => part.type !== 'step-start')
const textOf = (message: Pick<UIMessage, 'parts'>) => message.parts.map(part => (part.type === 'text' ? part.text : '')).join('')

/** Runs the job with a live viewer from its start; its response, the SDK's message of it, and the stored state. */
async function liveResponse(refuse: (event: JobEvent) => boolean, runners = twoRounds) {
  const { engine, provider } = createTestEngine({ wrap: refusingAppends(refuse), runners })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  const live = createRecordingSink()
  await engine.attachViewer('u1', job.id, live, null)
  await vi.advanceTimersByTimeAsync(1_000)
  await engine.whenSettled(job.id)
  const stored = (await provider.getState(job.id))!
  const response = responseOf(job.id, live.frames)
  const message = await sdkMessage(response.chunks)
  // A client that reads the stored job now (a resume, a reload): the message to end on.
  const fresh = createRecordingSink()
  await engine.attachViewer('u1', job.id, fresh, null)
  const reread = await sdkMessage(responseOf(job.id, fresh.frames).chunks)
  await engine.dispose()
  return { live, stored, response, message, reread }
}

describe('the AI SDK route, text the store refused', () => {
  it('takes back text of the round the client is in: its message ends as the stored answer reads', async () => {
    const { live, stored, response, message, reread } = await liveResponse(holdsBadText)
    expect(stored).toMatchObject({ content: 'Hello More ', status: 'failed' })
    expect(stored.steps).toHaveLength(2)
    // The client was streamed the refused text…
    expect(live.frames.some(frame => frame.event === 'text-delta' && JSON.stringify(frame.data).includes('bad'))).toBe(true)
    expect(response.done).toBe(true)
    // …and ends with the stored answer, part for part as a client that reads it afresh.
    expect(textOf(message)).toBe('Hello More ')
    expect(textOf(reread)).toBe('Hello More ')
    // (Step boundaries aside: the SDK hands on a message at a part it writes, not at a `start-step`.)
    expect(partsOf(message)).toEqual(partsOf(reread))
    // The server's own reading of the chunks (a chat's history) agrees with the SDK.
    expect(textOf({ parts: partsFromChunks(response.chunks) as UIMessage['parts'] })).toBe(textOf(message))
    const error = response.chunks.find(chunk => chunk.type === 'error')
    expect(error).toMatchObject({ errorText: expect.not.stringContaining(NOT_ALL_TAKEN_BACK) })
  })

  it('a job whose events have no round: the whole message is taken back and written again as stored', async () => {
    const { stored, response, message, reread } = await liveResponse(holdsBadText, helloThenBadText)
    expect(stored).toMatchObject({ content: 'Hello ', status: 'failed', steps: [] })
    expect(textOf(message)).toBe('Hello ')
    expect(partsOf(message)).toEqual(partsOf(reread))
    expect(response.chunks.find(chunk => chunk.type === 'error')).toMatchObject({ errorText: expect.not.stringContaining(NOT_ALL_TAKEN_BACK) })
  })

  it('text of an earlier round it cannot take back: its text is taken back as far as it can, and the error says to reload', async () => {
    // The second round's start is refused: the store holds the first round only.
    const { stored, response, message, reread } = await liveResponse(event => event.type === 'step-start' && event.step === 2)
    expect(stored).toMatchObject({ content: 'Hello ', status: 'failed' })
    expect(stored.steps).toHaveLength(1)
    expect(textOf(message)).toBe('Hello ')
    expect(textOf(reread)).toBe('Hello ')
    expect(response.chunks.find(chunk => chunk.type === 'error')).toMatchObject({ errorText: expect.stringContaining(NOT_ALL_TAKEN_BACK) })
  })
})
