/**
 * Found by the engine fuzzer (tests/unit/engine-fuzz.test.ts, seed 439 at 200 steps): the write
 * that stores a job's end can throw although the store took it (a timeout: only the reply was
 * lost). The retry is then refused as `terminal` — by the job's own end. That is the end stored,
 * not another owner's: viewers, notifications and the jobEnded hook must still hear of it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobProvider } from '../../server/lib/providers/types'
import { RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import { chatRequest, createRecordingSink, createTestEngine, wait } from '../support/engine-harness'

/** A provider that stores the batch holding the job-end, then throws as if the reply was lost (once). */
function losingTheEndReply(provider: JobProvider): JobProvider {
  let lost = false
  return Object.assign(Object.create(provider) as JobProvider, {
    async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
      const result = await provider.appendEvents(...args)
      if (!lost && args[1].some(event => event.type === 'job-end')) {
        lost = true
        throw new Error('command timed out')
      }
      return result
    },
  })
}

describe('a lost reply to the write that stored the job-end', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('still reports the end to viewers, notifications and the jobEnded hook', async () => {
    const ended: string[] = []
    const { engine, provider } = createTestEngine({
      wrap: losingTheEndReply,
      hooks: { jobEnded: job => void ended.push(job.status) },
      runners: {
        async chat(context) {
          context.text('partial ')
          await wait(100, context.signal)
          context.text('answer')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    const notes: string[] = []
    const detach = engine.attachNotifications('u1', { send: note => notes.push(note.type), comment() {}, close() {} }, null)
    await vi.advanceTimersByTimeAsync(100 + RETRY_BASE_DELAY_MS * 4)
    await engine.whenSettled(job.id)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'completed', content: 'partial answer' })
    expect(sink.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    expect(sink.closed).toBe(true)
    expect(sink.state()).toMatchObject({ status: 'completed', content: 'partial answer' })
    expect(notes).toContain('job-end')
    expect(ended).toEqual(['completed'])
    detach()
    await engine.dispose()
  })
})
