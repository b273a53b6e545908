import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { READ_PAGE_BATCHES } from '../../convex/limits'
import { createBackend, createInstance, endEvent, newJob, statusEvent, textDeltas, TEST_SECRET } from './backend'

describe('convex event log', () => {
  it('appends contiguous batches and updates status, lastSeq, updatedAt and endedAt from the events', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    expect(await provider.appendEvents(job.id, [statusEvent(1, 'running', 5_000), ...textDeltas(2, ['Hel', 'lo'], 0, 5_001)], { epoch: 1 }))
      .toEqual({ ok: true, lastSeq: 3 })
    expect(await provider.get(job.id)).toMatchObject({ status: 'running', lastSeq: 3, updatedAt: 5_002, endedAt: null })
    expect(await provider.appendEvents(job.id, [endEvent(4, 'completed', 6_000)], { epoch: 1 })).toEqual({ ok: true, lastSeq: 4 })
    expect(await provider.get(job.id)).toMatchObject({ status: 'completed', lastSeq: 4, updatedAt: 6_000, endedAt: 6_000 })
  })

  it('refuses gaps, overlaps and unknown jobs without writing anything', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, textDeltas(1, ['a', 'b']), { epoch: 1 })
    expect(await provider.appendEvents(job.id, textDeltas(4, ['d']), { epoch: 1 })).toEqual({ ok: false, reason: 'seq-conflict', lastSeq: 2 })
    expect(await provider.appendEvents(job.id, textDeltas(2, ['b', 'c']), { epoch: 1 })).toEqual({ ok: false, reason: 'seq-conflict', lastSeq: 2 })
    // A gap inside one batch is refused too.
    const gapped = [...textDeltas(3, ['c']), ...textDeltas(5, ['e'])]
    expect(await provider.appendEvents(job.id, gapped, { epoch: 1 })).toMatchObject({ ok: false, reason: 'seq-conflict' })
    expect(await provider.appendEvents('missing', textDeltas(1, ['x']), { epoch: 1 })).toEqual({ ok: false, reason: 'not-found', lastSeq: 0 })
    expect((await provider.readEvents(job.id, 0))?.events.map(event => event.seq)).toEqual([1, 2])
  })

  it('never leaves a terminal status: a late complete after abort is refused', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['partial'])], { epoch: 1 })
    expect(await provider.appendEvents(job.id, [endEvent(3, 'aborted')], { epoch: 1 })).toEqual({ ok: true, lastSeq: 3 })
    expect(await provider.appendEvents(job.id, [endEvent(4, 'completed')], { epoch: 1 })).toEqual({ ok: false, reason: 'terminal', lastSeq: 3 })
    expect(await provider.appendEvents(job.id, textDeltas(4, ['more'], 7), { epoch: 1 })).toMatchObject({ ok: false, reason: 'terminal' })
    const state = await provider.getState(job.id)
    expect(state).toMatchObject({ status: 'aborted', content: 'partial', seq: 3 })
  })

  it('refuses a batch in which anything follows the job end', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    const result = await provider.appendEvents(job.id, [endEvent(1, 'completed'), ...textDeltas(2, ['late'])], { epoch: 1 })
    expect(result).toEqual({ ok: false, reason: 'terminal', lastSeq: 0 })
    expect(await provider.get(job.id)).toMatchObject({ status: 'queued', lastSeq: 0 })
  })

  it('a page of a long log of small batches holds at most READ_PAGE_BATCHES of them, and the next page goes on from there', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    const count = READ_PAGE_BATCHES + 5
    await backend.run(async (ctx) => {
      for (let seq = 1; seq <= count; seq++) {
        const eventsJson = JSON.stringify(textDeltas(seq, ['x'], seq - 1))
        await ctx.db.insert('eventBatches', { jobId: job.id, firstSeq: seq, lastSeq: seq, eventsJson, bytes: eventsJson.length })
      }
      const doc = await ctx.db.query('jobs').withIndex('by_job_id', q => q.eq('jobId', job.id)).unique()
      await ctx.db.patch(doc!._id, { lastSeq: count })
    })
    const first = await backend.query(api.events.readEvents, { secret: TEST_SECRET, jobId: job.id, afterSeq: 0 })
    expect(first).toMatchObject({ hasMore: true })
    expect(first!.batches).toHaveLength(READ_PAGE_BATCHES)
    const rest = await backend.query(api.events.readEvents, { secret: TEST_SECRET, jobId: job.id, afterSeq: READ_PAGE_BATCHES })
    expect(rest!.batches.map(batch => batch.firstSeq)).toEqual([READ_PAGE_BATCHES + 1, READ_PAGE_BATCHES + 2, READ_PAGE_BATCHES + 3, READ_PAGE_BATCHES + 4, READ_PAGE_BATCHES + 5])
    // The provider reads every page: the whole log, once.
    expect((await provider.readEvents(job.id, 0))?.events).toHaveLength(count)
  })

  it('reads the events after a seq, slicing the batch that holds it', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, textDeltas(1, ['a', 'b', 'c']), { epoch: 1 })
    await provider.appendEvents(job.id, textDeltas(4, ['d', 'e'], 3), { epoch: 1 })
    const seqs = async (afterSeq: number) => (await provider.readEvents(job.id, afterSeq))?.events.map(event => event.seq)
    expect(await seqs(0)).toEqual([1, 2, 3, 4, 5])
    expect(await seqs(2)).toEqual([3, 4, 5])
    expect(await seqs(4)).toEqual([5])
    expect(await provider.readEvents(job.id, 5)).toEqual({ events: [], complete: true })
    expect(await provider.readEvents(job.id, 99)).toEqual({ events: [], complete: true })
    expect(await seqs(-3)).toEqual([1, 2, 3, 4, 5])
    expect((await provider.readEvents(job.id, 2))?.complete).toBe(true)
    expect(await provider.readEvents('missing', 0)).toBeNull()
  })

  it('reduces every stored event into the state, keeping unicode offsets', async () => {
    const { provider } = createInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['héllo ', '👋', ' ok'])], { epoch: 1 })
    const state = await provider.getState(job.id)
    expect(state).toMatchObject({ id: job.id, type: 'chat', status: 'running', seq: 4, content: 'héllo 👋 ok' })
    expect(await provider.getState('missing')).toBeNull()
  })

  it('stores one batch per append, so stored bytes grow with the output, not with the content', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    const chunk = 'x'.repeat(100)
    for (let index = 0; index < 20; index++) {
      await provider.appendEvents(job.id, textDeltas(index + 1, [chunk], index * chunk.length), { epoch: 1 })
    }
    const batches = await backend.run(ctx => ctx.db.query('eventBatches').collect())
    expect(batches).toHaveLength(20)
    const totalBytes = batches.reduce((sum, batch) => sum + batch.bytes, 0)
    // Each batch holds one 100-character delta plus a small envelope; nothing is rewritten.
    expect(totalBytes).toBeGreaterThan(20 * chunk.length)
    expect(totalBytes).toBeLessThan(20 * (chunk.length + 100))
    // The twentieth write is no bigger than the first (give or take digits of seq and offset).
    expect(batches[19]!.bytes - batches[0]!.bytes).toBeLessThanOrEqual(4)
    expect(batches.every(batch => batch.bytes === batch.eventsJson.length)).toBe(true)
  })
})
