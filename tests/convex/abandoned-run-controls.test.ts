/**
 * A run this instance gave up (another instance took the job over) may stay in its table until its
 * code returns — a tool or a loop that ignores the abort. Meanwhile this instance must not treat the
 * job as its own: an abort sent here goes to the new owner, as for any job running elsewhere, and a
 * read shows the new owner's progress. Before, the abort went to the abandoned run, which ignored it
 * (its end is never written), and the job ran on at the new owner while the user was told "stopped".
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { abandonedRunOnA } from './abandoned-run'

describe('controls of a job this instance abandoned', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('an abort sent to the old owner reaches the new one', async () => {
    const { a, b, job } = await abandonedRunOnA()
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('running')
    expect(a.engine.stats().runs).toBe(1) // the abandoned run, whose code has not returned

    // A's view is the job's as stored, not its abandoned run's text (which was never stored).
    expect((await a.engine.getJob('u1', job.id)).state.content).toBe((await b.provider.getState(job.id))!.content)
    expect((await a.engine.listJobs('u1')).map(summary => summary.status)).toEqual(['running'])

    const aborting = a.engine.abortJob('u1', job.id)
    await vi.advanceTimersByTimeAsync(1_000)
    await aborting
    await vi.advanceTimersByTimeAsync(500)
    expect((await b.engine.getJob('u1', job.id)).state.status).toBe('aborted')

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
