import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { createBackend, createInstance, endEvent, newJob, statusEvent, TEST_SECRET } from './backend'

describe('convex jobs', () => {
  it('creates a job, reads it back and answers null for an unknown id', async () => {
    const { provider } = createInstance(createBackend())
    const record = newJob({ threadId: 'thread-1', lease: null, request: { type: 'workflow', workflow: 'review', input: { $ref: 'x', _private: [1, null] } } })
    const { record: created, created: isNew } = await provider.create(record)
    expect(isNew).toBe(true)
    expect(created).toMatchObject({ id: record.id, status: 'queued', lastSeq: 0, endedAt: null, lease: null, threadId: 'thread-1' })
    expect(created.updatedAt).toBe(record.createdAt)
    // Requests keep keys Convex documents could not hold, because they are stored as JSON.
    expect((await provider.get(record.id))?.request).toEqual(record.request)
    expect(await provider.get('missing')).toBeNull()
  })

  it('returns the same job for the same user and idempotency key', async () => {
    const { provider } = createInstance(createBackend())
    const first = await provider.create(newJob({ idempotencyKey: 'key-1' }))
    const retry = await provider.create(newJob({ idempotencyKey: 'key-1' }))
    const otherUser = await provider.create(newJob({ idempotencyKey: 'key-1', userId: 'user-2' }))
    expect(retry).toEqual({ record: first.record, created: false })
    expect(otherUser.created).toBe(true)
    expect(otherUser.record.id).not.toBe(first.record.id)
  })

  it('lists a user\'s jobs newest first, filtered by status, thread and message, up to a limit', async () => {
    const { provider } = createInstance(createBackend())
    const a = newJob({ threadId: 't1', messageId: 'm1', createdAt: 10 })
    const b = newJob({ threadId: 't1', messageId: 'm2', createdAt: 20 })
    const c = newJob({ threadId: 't2', createdAt: 30 })
    const foreign = newJob({ userId: 'user-2', threadId: 't1', createdAt: 40 })
    for (const job of [a, b, c, foreign]) await provider.create(job)
    await provider.appendEvents(b.id, [statusEvent(1, 'running'), endEvent(2, 'completed')], { epoch: 1 })

    const ids = async (filter: Parameters<typeof provider.list>[0]) => (await provider.list(filter)).map(job => job.id)
    expect(await ids({ userId: 'user-1' })).toEqual([c.id, b.id, a.id])
    expect(await ids({ userId: 'user-1', limit: 2 })).toEqual([c.id, b.id])
    expect(await ids({ userId: 'user-1', status: ['completed'] })).toEqual([b.id])
    expect(await ids({ userId: 'user-1', status: ['queued', 'running'] })).toEqual([c.id, a.id])
    expect(await ids({ userId: 'user-1', threadId: 't1' })).toEqual([b.id, a.id])
    expect(await ids({ userId: 'user-1', threadId: 't1', status: ['queued'] })).toEqual([a.id])
    expect(await ids({ userId: 'user-1', messageId: 'm2' })).toEqual([b.id])
    expect(await ids({ userId: 'user-1', messageId: 'm2', threadId: 't2' })).toEqual([])
    expect(await ids({ userId: 'user-2' })).toEqual([foreign.id])
  })

  it('counts active jobs overall and per user', async () => {
    const { provider } = createInstance(createBackend())
    const jobs = [newJob(), newJob(), newJob({ userId: 'user-2' })]
    for (const job of jobs) await provider.create(job)
    await provider.appendEvents(jobs[0]!.id, [statusEvent(1, 'running')], { epoch: 1 })
    await provider.appendEvents(jobs[1]!.id, [endEvent(1, 'aborted')], { epoch: 1 })
    expect(await provider.countActive()).toBe(2)
    expect(await provider.countActive({ userId: 'user-1' })).toBe(1)
    expect(await provider.countActive({ userId: 'nobody' })).toBe(0)
  })
})

describe('the global active-job limit on Convex', () => {
  it('is decided on the count the server read before the creation, never by reading the whole activeJobs table in it', async () => {
    const backend = createBackend()
    const counted: string[] = []
    const { provider } = createInstance(backend, {
      wrap: facade => ({
        ...facade,
        query(query, args) {
          counted.push(String(query))
          return facade.query(query, args)
        },
      }),
    })
    await provider.create(newJob())
    await provider.create(newJob({ userId: 'user-2' }))
    // Counted by a query before the mutation (the count it passes as `activeNow`).
    counted.length = 0
    await expect(provider.create(newJob({ userId: 'user-3' }), { maxActive: 2 })).rejects.toMatchObject({ scope: 'global', limit: 2 })
    expect(counted).toEqual(['jobs:countActive'])
    // The mutation takes the caller's count as it is: it does not count the table itself.
    const base = { userId: 'user-4', type: 'chat', threadId: null, messageId: null, idempotencyKey: null, title: 't', requestJson: '{"type":"chat","messages":[]}', createdAt: 1 } as const
    expect(await backend.mutation(api.jobs.create, { secret: TEST_SECRET, jobId: 'fresh-1', ...base, maxActive: 2, activeNow: 0 })).toMatchObject({ created: true })
    expect(await backend.mutation(api.jobs.create, { secret: TEST_SECRET, jobId: 'fresh-2', ...base, maxActive: 10, activeNow: 10 })).toEqual({ refused: 'global', limit: 10 })
  })
})
