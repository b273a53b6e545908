/**
 * `GET /api/jobs/:id` of a job running here commits the text still waiting in its batching window
 * before it reads the state, so the answer has all of it. The job's summary was taken before that
 * commit: `job.lastSeq` (and `updatedAt`) one event behind `state.seq` in the same answer. A client
 * that resumed from `job.lastSeq`, or compared it with what its stream had (the demo's known-jobs
 * cache keeps the summary with the higher `lastSeq`), read the job as older than the state it had
 * just been given. The summary is now taken after the commit.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RunContext } from '../../server/lib/run-context'
import { chatRequest, createTestEngine } from '../support/engine-harness'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('GET /api/jobs/:id of a job with text in its batching window', () => {
  it('answers a summary at the state\'s seq', async () => {
    let release = () => {}
    async function twoPieces(context: RunContext) {
      context.text('first ')
      await new Promise(resolve => setTimeout(resolve, 10))
      // Inside the 50 ms window the first piece opened: it waits for the window's end.
      context.text('second')
      await new Promise<void>((resolve) => {
        release = resolve
      })
    }
    const { engine } = createTestEngine({ config: { stream: { batchWindowMs: 50 } }, runners: { chat: twoPieces } })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(20)
    const { job: summary, state } = await engine.getJob('u1', job.id)
    expect(state.content).toBe('first second')
    expect({ lastSeq: summary.lastSeq, updatedAt: summary.updatedAt }).toEqual({ lastSeq: state.seq, updatedAt: state.updatedAt })
    release()
    await engine.whenSettled(job.id)
    await engine.dispose()
  })
})
