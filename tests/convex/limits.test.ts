/**
 * A real deployment's size limits (convex/limits.ts): every stored document stays under Convex's
 * 1 MiB, batches are sized in UTF-8 bytes, an event too big for a document is stored in pieces and
 * read back whole, one too big for any call is stored shortened with a notice — and none of them
 * blocks the log. The backend enforces Convex's per-transaction limits (the paging tests at a lower
 * read limit, `PAGE_BYTES_READ`, which a page still fits and a whole range passes).
 */
import { getDocumentSize } from 'convex/values'
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { MAX_APPEND_BYTES, MAX_DOCUMENT_BYTES, RECORD_PAGE_BYTES } from '../../convex/limits'
import { readJobPage } from '../../server/lib/job-page'
import { ConvexTooLargeError } from '../../server/lib/providers/convex'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import type { JobEvent } from '../../shared/events'
import { type Backend, createBackend, createInstance, endEvent, newJob, statusEvent, TEST_SECRET, textDeltas } from './backend'

/** Counts the `appendEvents` calls that reach Convex. */
function countingAppends(counter: { appends: number }) {
  return (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    mutation(mutation, args) {
      if ((mutation as unknown as string) === 'events:appendEvents') counter.appends++
      return facade.mutation(mutation, args)
    },
  })
}

async function storedBatches(backend: Backend) {
  return await backend.run(ctx => ctx.db.query('eventBatches').collect())
}

async function expectDocumentsWithinLimit(backend: Backend) {
  for (const batch of await storedBatches(backend)) expect(getDocumentSize(batch)).toBeLessThanOrEqual(MAX_DOCUMENT_BYTES)
}

/** Convex's limit on the bytes one query or mutation reads. */
const CONVEX_BYTES_READ = 16 * 1_048_576

/**
 * The read limit the paging tests below run under, lowered from Convex's 16 MiB so that they pass it
 * with less than half the bytes: a page stops once it passes `RECORD_PAGE_BYTES`, having read at
 * most one more record (its request or answer is one document) and small documents beside it, so a
 * page fits; a function that read a whole range instead of a page fails. Passing this lower limit
 * implies passing Convex's.
 */
const PAGE_BYTES_READ = RECORD_PAGE_BYTES + 2 * MAX_DOCUMENT_BYTES

/** A backend at the lowered read limit (`PAGE_BYTES_READ`). */
function pagingBackend(): Backend {
  expect(PAGE_BYTES_READ).toBeLessThan(CONVEX_BYTES_READ)
  return createBackend({ bytesRead: PAGE_BYTES_READ })
}

/** How many stored documents of `bytes` each add up past the lowered read limit, with one to spare. */
function pastReadLimit(bytes: number): number {
  return Math.ceil(PAGE_BYTES_READ / bytes) + 1
}

function nodeEnd(seq: number, output: unknown): JobEvent {
  return { type: 'node-end', seq, at: 2_000 + seq, nodeId: 'draft', status: 'completed', output }
}

describe('a real deployment\'s size limits', () => {
  it('sizes batches in UTF-8 bytes: text that fits by characters but not by bytes goes in several documents, in one call', async () => {
    const backend = createBackend()
    const counter = { appends: 0 }
    const { provider } = createInstance(backend, { wrap: countingAppends(counter) })
    const job = newJob()
    await provider.create(job)
    // 250 000 characters, 500 000 bytes each: two of them would not fit one document.
    const chunk = 'é'.repeat(250_000)
    expect(await provider.appendEvents(job.id, textDeltas(1, [chunk, chunk, chunk, 'z']), { epoch: 1 })).toEqual({ ok: true, lastSeq: 4 })
    expect(counter.appends).toBe(1)
    expect((await storedBatches(backend)).map(batch => [batch.firstSeq, batch.lastSeq])).toEqual([[1, 1], [2, 2], [3, 4]])
    await expectDocumentsWithinLimit(backend)
    expect((await provider.getState(job.id))?.content).toBe(chunk.repeat(3) + 'z')
  })

  it('stores an event too big for one document in pieces, reads it back whole, and keeps appending after it', async () => {
    const backend = createBackend()
    const a = createInstance(backend)
    const b = createInstance(backend)
    const job = newJob()
    await a.provider.create(job)
    const seen: JobEvent[] = []
    b.provider.subscribe(job.id, events => seen.push(...events), { afterSeq: 0 })
    const output = { report: 'ü'.repeat(1_200_000) } // 2.4 MB of JSON
    expect(await a.provider.appendEvents(job.id, [statusEvent(1, 'running'), nodeEnd(2, output)], { epoch: 1 })).toEqual({ ok: true, lastSeq: 2 })
    expect(await a.provider.appendEvents(job.id, [endEvent(3, 'completed')], { epoch: 1 })).toEqual({ ok: true, lastSeq: 3 })

    const pieces = (await storedBatches(backend)).filter(batch => batch.parts !== undefined)
    expect(pieces.length).toBeGreaterThanOrEqual(3)
    await expectDocumentsWithinLimit(backend)
    const stored = (await b.provider.readEvents(job.id, 0))!.events
    expect(stored.map(event => event.seq)).toEqual([1, 2, 3])
    expect(stored[1]).toEqual(nodeEnd(2, output))
    await b.facade.settled()
    expect(seen.map(event => event.seq)).toEqual([1, 2, 3])
    expect(seen[1]).toEqual(nodeEnd(2, output))
  })

  it('stores an event that can never fit shortened with a notice, and the log goes on', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    const huge = 'x'.repeat(MAX_APPEND_BYTES + 100_000)
    expect(await provider.appendEvents(job.id, [statusEvent(1, 'running'), nodeEnd(2, huge)], { epoch: 1 })).toEqual({ ok: true, lastSeq: 2 })
    expect(await provider.appendEvents(job.id, textDeltas(3, ['after']), { epoch: 1 })).toEqual({ ok: true, lastSeq: 3 })
    const stored = (await provider.readEvents(job.id, 0))!.events
    expect(stored[1]).toMatchObject({ type: 'node-end', seq: 2, nodeId: 'draft', status: 'completed' })
    expect((stored[1] as { output: unknown }).output).toMatch(/^\[truncated: \d+ bytes, more than one stored event may hold/)
    expect(stored[2]).toMatchObject({ type: 'text-delta', text: 'after' })
    await expectDocumentsWithinLimit(backend)
  })

  it('splits a merged delta bigger than a call without losing a character, over several calls', async () => {
    const backend = createBackend()
    const counter = { appends: 0 }
    const { provider } = createInstance(backend, { wrap: countingAppends(counter) })
    const job = newJob()
    await provider.create(job)
    const text = 'ab👋'.repeat(700_000) // 5.6 MB of UTF-8, merged over seqs 1..40
    const merged: JobEvent = { type: 'text-delta', seq: 40, fromSeq: 1, at: 2_000, offset: 0, text }
    expect(await provider.appendEvents(job.id, [merged, endEvent(41, 'completed')], { epoch: 1 })).toEqual({ ok: true, lastSeq: 41 })
    expect(counter.appends).toBeGreaterThanOrEqual(2)
    await expectDocumentsWithinLimit(backend)
    const state = await provider.getState(job.id)
    expect(state?.content).toBe(text)
    expect(state?.status).toBe('completed')
  })

  it('reads in pages that stop between batches, never inside an event\'s pieces', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    const events: JobEvent[] = []
    for (let seq = 1; seq <= 6; seq++) events.push(nodeEnd(seq, 'p'.repeat(seq % 2 === 0 ? 1_500_000 : 800_000)))
    for (const event of events) expect(await provider.appendEvents(job.id, [event], { epoch: 1 })).toMatchObject({ ok: true })
    const first = await backend.query(api.events.readEvents, { secret: TEST_SECRET, jobId: job.id, afterSeq: 0 })
    expect(first?.hasMore).toBe(true)
    // Each returned batch parses whole: no half event at the page's end.
    for (const batch of first!.batches) expect(() => JSON.parse(batch.eventsJson) as unknown).not.toThrow()
    expect((await provider.readEvents(job.id, 0))?.events).toEqual(events)
  })

  it('finds a long chat\'s active job without reading its finished turns (the AI SDK routes ask on every resume)', async () => {
    const backend = pagingBackend()
    const { provider } = createInstance(backend)
    // Finished turns of one chat whose requests (900 KB each: the history grows) add up past the read limit.
    const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'h'.repeat(900_000) }] }
    const turns = pastReadLimit(900_000)
    for (let index = 0; index < turns; index++) {
      const job = newJob({ threadId: 'long-chat', request })
      await provider.create(job)
      await provider.appendEvents(job.id, [endEvent(1, 'completed')], { epoch: 1 })
    }
    const live = newJob({ threadId: 'long-chat' })
    await provider.create(live)
    const active = await provider.list({ userId: 'user-1', threadId: 'long-chat', status: ['queued', 'running', 'waiting'] })
    expect(active.map(record => record.id)).toEqual([live.id])
    // One query stops past the byte budget and says where to go on; the provider reads on from there,
    // so the whole thread lists (a short answer would tell the engine there is no older page).
    const firstQuery = await backend.query(api.jobPages.page, { secret: TEST_SECRET, userId: 'user-1', threadId: 'long-chat', limit: 50 })
    expect(firstQuery.jobs.length).toBeLessThan(turns + 1)
    expect(firstQuery.resume).toEqual({ createdAt: firstQuery.jobs.at(-1)!.createdAt, jobId: firstQuery.jobs.at(-1)!.jobId })
    const recent = await provider.list({ userId: 'user-1', threadId: 'long-chat', limit: 50 })
    expect(recent).toHaveLength(turns + 1)
    expect(recent[0]!.id).toBe(live.id)
    const page = await readJobPage(provider, { userId: 'user-1', threadId: 'long-chat', limit: turns })
    expect(page.next).not.toBeNull()
    expect((await readJobPage(provider, { userId: 'user-1', threadId: 'long-chat', limit: turns, before: page.next! })).records).toHaveLength(1)
  }, 60_000)

  it('keeps the request out of the job document that every append and heartbeat rewrites; reads it back with the record', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'r'.repeat(200_000) }] }
    const job = newJob({ request })
    await provider.create(job)
    await provider.appendEvents(job.id, textDeltas(1, ['tok ']), { epoch: 1 })
    const sizes = await backend.run(async (ctx) => {
      const doc = await ctx.db.query('jobs').withIndex('by_job_id', q => q.eq('jobId', job.id)).unique()
      const stored = await ctx.db.query('jobRequests').withIndex('by_job_id', q => q.eq('jobId', job.id)).unique()
      return { job: getDocumentSize(doc!), request: getDocumentSize(stored!) }
    })
    expect(sizes.job).toBeLessThan(2_000)
    expect(sizes.request).toBeGreaterThan(200_000)
    expect((await provider.get(job.id))?.request).toEqual(request)
    expect((await provider.list({ userId: 'user-1' }))[0]?.request).toEqual(request)
  })

  it('reads a job written before requests had their own document (the request inside it)', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const request = { type: 'chat', messages: [{ role: 'user', content: 'older job' }] }
    await backend.run(async (ctx) => {
      await ctx.db.insert('jobs', { jobId: 'legacy-1', userId: 'user-1', type: 'chat', status: 'completed', threadId: 't-old', messageId: null, idempotencyKey: null, title: 'older job', requestJson: JSON.stringify(request), createdAt: 5, updatedAt: 6, endedAt: 6, lastSeq: 0 })
    })
    expect((await provider.get('legacy-1'))?.request).toEqual(request)
    expect((await provider.list({ userId: 'user-1', threadId: 't-old' }))[0]?.request).toEqual(request)
  })

  it('a new owner reads many large stored answers in pages, and a later abort still reaches it', async () => {
    const backend = pagingBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    await provider.appendEvents(job.id, [statusEvent(1, 'waiting')], { epoch: 1 })
    // Answers of 240 KB (each under the body limit), past what one query may read.
    const answers = pastReadLimit(240_000)
    for (let index = 0; index < answers; index++) await provider.sendControl!(job.id, { type: 'input', userId: 'user-1', requestId: `r${index}`, answer: 'y'.repeat(240_000) })
    const errors: unknown[] = []
    const received: Array<{ type: string }> = []
    const other = createInstance(backend, { onError: error => errors.push(error) })
    other.provider.subscribeControls!(job.id, control => received.push(control), { fromStart: true })
    await other.facade.settled()
    await provider.sendControl!(job.id, { type: 'abort', userId: 'user-1' })
    await other.facade.settled()
    expect(errors).toEqual([])
    expect(received).toHaveLength(answers + 1)
    expect(received.at(-1)).toMatchObject({ type: 'abort' })
  }, 120_000)

  it('the user feed reads many changed jobs with large requests in pages', async () => {
    const backend = pagingBackend()
    const { provider } = createInstance(backend)
    const start = await backend.query(api.feed.userChanges, { secret: TEST_SECRET, userId: 'user-1' })
    // Jobs whose requests (400 KB each) add up past the read limit.
    const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'f'.repeat(400_000) }] }
    const jobs = pastReadLimit(400_000)
    for (let index = 0; index < jobs; index++) await provider.create(newJob({ request }))
    const seen = new Set<string>()
    let after = start.lastChangedAt
    for (let pages = 0; pages < jobs; pages++) {
      const page = await backend.query(api.feed.userChanges, { secret: TEST_SECRET, userId: 'user-1', afterChangedAt: after })
      for (const change of page.changes) seen.add(change.record.jobId)
      if (!page.hasMore) break
      after = page.changes.at(-1)!.changedAt
    }
    expect(seen.size).toBe(jobs)
  }, 120_000)

  it('counts, lists and recovers jobs with large requests inside a transaction\'s read limit', async () => {
    const backend = pagingBackend()
    const { provider } = createInstance(backend)
    // Active jobs whose requests (600 KB each) add up past what one query may read.
    const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'q'.repeat(600_000) }] }
    const expired = { instanceId: 'gone', epoch: 1, expiresAt: 1 }
    const active = pastReadLimit(600_000)
    for (let index = 0; index < active; index++) await provider.create(newJob({ request, lease: expired }))
    // Counting for the limits reads no job documents (so no requests).
    expect(await provider.countActive()).toBe(active)
    const { created } = await provider.create(newJob({ request }), { maxActive: 100, maxActivePerUser: 100 })
    expect(created).toBe(true)
    // A list query and a recovery scan stop early instead of failing; the caller asks again (the
    // provider's list does, from where the query stopped, so it returns them all).
    const firstQuery = await backend.query(api.jobPages.page, { secret: TEST_SECRET, userId: 'user-1', limit: 200 })
    expect(firstQuery.jobs.length).toBeGreaterThan(0)
    expect(firstQuery.jobs.length).toBeLessThan(active + 1)
    expect(firstQuery.resume).not.toBeNull()
    const listed = await provider.list({ userId: 'user-1', limit: 200 })
    expect(new Set(listed.map(record => record.id)).size).toBe(active + 1)
    const lost = await provider.listExpiredLeases!()
    expect(lost.length).toBeGreaterThan(0)
    expect(lost.length).toBeLessThan(active)
  })

  it('refuses a request or an answer too big for one document (an app that raised maxBodyBytes) with a 413 naming the setting, storing nothing', async () => {
    const backend = createBackend()
    const { provider } = createInstance(backend)
    const job = newJob()
    await provider.create(job)
    // 1.2 MB as JSON: under an app's raised body limit, over the 1 MiB a Convex document holds.
    const big = 'b'.repeat(1_200_000)
    const refusedJob = await provider.create(newJob({ request: { type: 'chat', messages: [{ role: 'user', content: big }] } })).catch((error: unknown) => error)
    expect(refusedJob).toBeInstanceOf(ConvexTooLargeError)
    expect(refusedJob).toMatchObject({ statusCode: 413 })
    expect((refusedJob as Error).message).toMatch(/request is 1200\d{3} bytes .*at most 1000000 .*limits\.maxBodyBytes \(NUXT_BACKGROUND_JOBS_LIMITS_MAX_BODY_BYTES\)/)
    const refusedAnswer = await provider.sendControl(job.id, { type: 'input', userId: 'user-1', requestId: 'r1', answer: big }).catch((error: unknown) => error)
    expect(refusedAnswer).toBeInstanceOf(ConvexTooLargeError)
    expect((refusedAnswer as Error).message).toMatch(/answer is 1200\d{3} bytes/)
    const stored = await backend.run(async ctx => ({
      jobs: (await ctx.db.query('jobs').collect()).length,
      requests: (await ctx.db.query('jobRequests').collect()).length,
      active: (await ctx.db.query('activeJobs').collect()).length,
      controls: (await ctx.db.query('controls').collect()).length,
    }))
    expect(stored).toEqual({ jobs: 1, requests: 1, active: 1, controls: 0 })
    // The functions refuse them too, for any other caller.
    const base = { secret: TEST_SECRET, userId: 'user-1', type: 'chat' as const, threadId: null, messageId: null, idempotencyKey: null, title: 't', createdAt: 1 }
    await expect(backend.mutation(api.jobs.create, { ...base, jobId: 'direct', requestJson: JSON.stringify(big) })).rejects.toThrow(/at most 1000000 bytes/)
    await expect(backend.mutation(api.controls.send, { secret: TEST_SECRET, jobId: job.id, type: 'input', userId: 'user-1', requestId: 'r1', answerJson: JSON.stringify(big) })).rejects.toThrow(/at most 1000000 bytes/)
  })
})
