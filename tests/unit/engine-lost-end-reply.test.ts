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

/**
 * A provider where, while this instance's write of the job-end keeps failing, another instance
 * ends the job at the same seq (it took the job over): that end is stored, and the write throws.
 */
function endedElsewhereAtTheSameSeq(provider: JobProvider): JobProvider {
  let done = false
  return Object.assign(Object.create(provider) as JobProvider, {
    async appendEvents(...args: Parameters<JobProvider['appendEvents']>) {
      const [id, events, options] = args
      const end = events.find(event => event.type === 'job-end')
      if (!done && end) {
        done = true
        const foreign = { ...end, status: 'failed', error: { code: 'owner-lost', message: 'The server running this job stopped.' }, at: end.at + 1 } as typeof end
        await provider.appendEvents(id, events.map(event => (event === end ? foreign : event)), options)
        throw new Error('command timed out')
      }
      return await provider.appendEvents(...args)
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

  it('does not take another instance\'s end at the same seq for its own', async () => {
    const ended: string[] = []
    const { engine, provider } = createTestEngine({
      wrap: endedElsewhereAtTheSameSeq,
      hooks: { jobEnded: job => void ended.push(job.status) },
      runners: {
        async chat(context) {
          context.text('partial')
        },
      },
    })
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 4)
    await engine.whenSettled(job.id)
    expect(await provider.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    // This instance's 'completed' was never stored: nobody here is told of it.
    expect(sink.frames.some(frame => frame.event === 'job-end' && (frame.data as { status?: string }).status === 'completed')).toBe(false)
    expect(ended).not.toContain('completed')
    await engine.dispose()
  })
})
