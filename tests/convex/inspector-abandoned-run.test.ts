/**
 * The DevTools tab shows the same job as the API (docs/observability.md). A run this instance gave
 * up (another instance took the job over) may stay in its table until its code returns — code that
 * ignores the abort. The API then answers from the store (the new owner's progress); the inspector
 * still showed the abandoned run: its text that was never stored, a job "running" here.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { abandonedRunOnA } from './abandoned-run'

describe('the inspector of a job whose run here was abandoned', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows the job as the API does: the stored log of the new owner, not the abandoned run', async () => {
    const { a, b, job } = await abandonedRunOnA()
    expect(a.engine.stats().runs).toBe(1) // the abandoned run, whose code has not returned

    const api = (await a.engine.getJob('u1', job.id)).state
    const inspected = (await a.engine.inspector.get(job.id))!
    expect({ status: inspected.job.status, running: inspected.job.running, content: inspected.state.content, lastSeq: inspected.job.lastSeq })
      .toEqual({ status: api.status, running: false, content: api.content, lastSeq: api.seq })
    expect(inspected.timeline.at(-1)!.seq).toBe(api.seq)
    const listed = (await a.engine.inspector.list()).find(entry => entry.id === job.id)!
    expect({ status: listed.status, lastSeq: listed.lastSeq }).toEqual({ status: api.status, lastSeq: api.seq })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
