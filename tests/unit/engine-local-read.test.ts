/**
 * An owner serves the jobs it runs from memory while the store cannot answer: a read, a new viewer
 * (snapshot, or catch-up from Last-Event-ID then the live tail) and an abort; another user's job is
 * answered as a missing one (a 503 naming the store, like a job not run here). A run whose lease this
 * instance cannot vouch for, that was stopped, or whose end is stored, is read from the store as
 * before; one whose end waits for the store is served (engine-ending-viewer.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobRun } from '../../server/lib/job-run'
import { localRunFor, localThreadRuns } from '../../server/lib/local-read'
import { RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { engineWithOutage } from '../support/provider-outage'


describe('an owner serves its own running jobs while the store is down', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reads and new viewers (with and without a resume position) need no store call; another user\'s job and a job not run here are a 503', async () => {
    const { engine, provider, outage } = engineWithOutage()
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const finished = await provider.create({ id: 'elsewhere', userId: 'u1', type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', request: chatRequest, createdAt: 0, lease: null }, {})
    const first = createRecordingSink()
    await engine.attachViewer('u1', job.id, first, null)
    // Text every 100 ms, merged per 50 ms window: times are picked between windows.
    await vi.advanceTimersByTimeAsync(280)
    const seen = first.frames.at(-1)!.id
    outage.down = true
    await vi.advanceTimersByTimeAsync(170)

    const read = await engine.getJob('u1', job.id)
    expect(read.job.status).toBe('running')
    expect(read.state.content).toBe('part 0 part 1 part 2 part 3 part 4 ')
    const resumed = createRecordingSink()
    const attachment = await engine.attachViewer('u1', job.id, resumed, seen)
    const fresh = createRecordingSink()
    await engine.attachViewer('u1', job.id, fresh, null)
    // No read reached the store (the run's own writes did, and are retried).
    expect(outage.calls.filter(call => call !== 'appendEvents')).toEqual([])
    // Resumed: only what it missed (no snapshot), then the live tail; together the same text as the first viewer.
    expect(resumed.frames[0]!.event).not.toBe('snapshot')
    expect(fresh.frames[0]!.event).toBe('snapshot')
    await vi.advanceTimersByTimeAsync(230)
    const seenBefore = first.frames.filter(frame => frame.id! <= seen)
    const joined = [...seenBefore, ...resumed.frames]
    expect(new Set(joined.map(frame => frame.id)).size).toBe(joined.length)
    expect(first.state()!.content).toBe('part 0 part 1 part 2 part 3 part 4 part 5 part 6 ')
    expect(fresh.state()!.content).toBe(first.state()!.content)
    expect(resumed.textEvents().map(event => (event as { text: string }).text).join('')).toBe('part 3 part 4 part 5 part 6 ')

    // Another user's job is looked up as a missing one would be (other-user-job-path.test.ts).
    await expect(engine.getJob('u2', job.id)).rejects.toBeInstanceOf(ProviderUnavailableError)
    await expect(engine.attachViewer('u2', job.id, createRecordingSink(), null)).rejects.toBeInstanceOf(ProviderUnavailableError)
    await expect(engine.getJob('u1', finished.record.id)).rejects.toBeInstanceOf(ProviderUnavailableError)
    await expect(engine.attachViewer('u1', finished.record.id, createRecordingSink(), null)).rejects.toBeInstanceOf(ProviderUnavailableError)

    outage.down = false
    attachment.detach()
    // The writes held back during the outage are retried with backoff before the shutdown's end.
    const disposed = engine.dispose()
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    await disposed
  })

  it('an abort sent to the owner stops the run at once and answers once the aborted end is stored', async () => {
    const { engine, provider, outage } = engineWithOutage()
    const { job } = await engine.createJob('u1', { request: chatRequest })
    const viewer = createRecordingSink()
    await engine.attachViewer('u1', job.id, viewer, null)
    await vi.advanceTimersByTimeAsync(150)
    outage.down = true
    let answered: string | null = null
    void engine.abortJob('u1', job.id).then((summary) => {
      answered = summary.status
    })
    await vi.advanceTimersByTimeAsync(1_000)
    // Stopped here (no more text), not yet answered: its end is not stored (nor shown).
    expect(viewer.state()!.content).toBe('part 0 part 1 ')
    expect(viewer.frames.some(frame => frame.event === 'job-end')).toBe(false)
    expect(answered).toBeNull()
    outage.down = false
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    expect(answered).toBe('aborted')
    expect(await provider.getState(job.id)).toMatchObject({ status: 'aborted', content: 'part 0 part 1 ' })
    expect(viewer.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'aborted' } })
    await engine.dispose()
  })
})

describe('localRunFor', () => {
  const run = (fields: { userId?: string, ended?: boolean, ending?: boolean, abandoned?: boolean, holds?: boolean }) => ({
    record: { id: 'j', userId: fields.userId ?? 'u1' },
    live: { ended: fields.ended ?? false, ending: fields.ending ?? false },
    ending: fields.ending ? Promise.resolve() : null,
    abandoned: fields.abandoned ?? false,
    leaseHolds: () => fields.holds ?? true,
  }) as unknown as JobRun

  it('vouches only for a live or ending run whose lease surely holds; never for another user\'s run (the store answers it)', () => {
    const of = (target: JobRun, userId = 'u1') => localRunFor(new Map([['j', target]]), userId, 'j')
    expect(of(run({}))).not.toBeNull()
    expect(localRunFor(new Map(), 'u1', 'j')).toBeNull()
    expect(of(run({ holds: false }))).toBeNull()
    expect(of(run({ ended: true }))).toBeNull()
    // Its end numbered, not stored yet: served as a moment before (no end shown until stored).
    expect(of(run({ ending: true }))).not.toBeNull()
    expect(of(run({ ending: true, holds: false }))).toBeNull()
    expect(of(run({ ending: true, abandoned: true }))).toBeNull()
    expect(of(run({ abandoned: true }))).toBeNull()
    expect(of(run({}), 'u2')).toBeNull()
    expect(of(run({ holds: false }), 'u2')).toBeNull()
  })
})

describe('localThreadRuns', () => {
  const run = (id: string, fields: { userId?: string, threadId?: string, createdAt?: number, ended?: boolean, holds?: boolean }) => [id, {
    record: { id, userId: fields.userId ?? 'u1', threadId: fields.threadId ?? 't1', createdAt: fields.createdAt ?? 0 },
    live: { ended: fields.ended ?? false, ending: false },
    ending: null,
    abandoned: false,
    leaseHolds: () => fields.holds ?? true,
  } as unknown as JobRun] as const

  it('finds the user\'s runs of the thread it vouches for, newest first; others\' runs, other threads and runs it cannot vouch for are left out', () => {
    const runs = new Map([
      run('old', { createdAt: 1 }),
      run('new', { createdAt: 3 }),
      run('stranger', { userId: 'u2', createdAt: 4 }),
      run('other-thread', { threadId: 't2', createdAt: 5 }),
      run('ended', { ended: true, createdAt: 6 }),
      run('lapsed', { holds: false, createdAt: 7 }),
    ])
    expect(localThreadRuns(runs, 'u1', 't1').map(found => found.record.id)).toEqual(['new', 'old'])
    expect(localThreadRuns(runs, 'u2', 't1').map(found => found.record.id)).toEqual(['stranger'])
    expect(localThreadRuns(runs, 'u3', 't1')).toEqual([])
  })
})
