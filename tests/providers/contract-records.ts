/**
 * Contract: creating, reading, listing and counting jobs.
 */
import { describe, expect, it } from 'vitest'
import type { JobRequest } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { definePageContract } from './contract-pages'
import { appendAccepted, createEndedJob, createJob, endEvent, eventAt, newJob, START_MS, statusEvent, textEvent, WRITER_LEASE } from './contract-fixtures'

/** Defines the record tests. */
export function defineRecordContract(scope: ContractScope): void {
  describe('create and get', () => {
    it('creates a queued job with an empty log and reads it back', async () => {
      const input = newJob({ threadId: 'thread-1', messageId: 'message-1', title: 'Weather' })
      const { record, created } = await scope.provider.create(input)
      expect(created).toBe(true)
      expect(record).toEqual({
        ...input,
        status: 'queued',
        storeCreatedAt: scope.now(),
        updatedAt: input.createdAt,
        endedAt: null,
        lastSeq: 0,
        lease: null,
      })
      expect(await scope.provider.get(input.id)).toEqual(record)
    })

    it('stores the request as given, with the trace context of the first run (request.trace)', async () => {
      const trace = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }
      const chat = newJob({ request: { type: 'chat', messages: [{ role: 'user', content: 'Hi' }], model: 'm', tools: ['a'], trace } })
      const workflow = newJob({ type: 'workflow', request: { type: 'workflow', workflow: 'w', input: { $ref: 'x', nested: [1, null] }, tools: [], trace } })
      await scope.provider.create(chat)
      await scope.provider.create(workflow)
      expect((await scope.provider.get(chat.id))!.request).toEqual(chat.request)
      expect((await scope.provider.get(workflow.id))!.request).toEqual(workflow.request)
      expect((await scope.provider.list({ userId: 'user-a' })).map(record => record.request.trace)).toEqual([trace, trace])
    })

    it('keeps the route that started a chat job (request.startedBy) in get and in listings, its history cut', async () => {
      // A history a listing cuts to the last user message (stored apart when that is under half: redis, convex).
      const messages = [
        { role: 'user' as const, content: 'First' },
        { role: 'assistant' as const, content: 'An answer '.repeat(50) },
        { role: 'user' as const, content: 'First' },
      ]
      const chat = newJob({ threadId: 'thread-started-by', messageId: 'message-1', request: { type: 'chat', messages, startedBy: 'jobs' } })
      await scope.provider.create(chat)
      const startedBy = (record: { request: JobRequest } | null) => (record?.request.type === 'chat' ? record.request.startedBy : null)
      expect(startedBy(await scope.provider.get(chat.id))).toBe('jobs')
      expect((await scope.provider.list({ userId: 'user-a', threadId: 'thread-started-by' })).map(startedBy)).toEqual(['jobs'])
      expect(startedBy(await (scope.provider.getListed ?? scope.provider.get).call(scope.provider, chat.id, { userId: 'user-a' }))).toBe('jobs')
    })

    it('keeps the id of the request that created a job (request.requestId) in get, getListed and listings, an older job\'s absent', async () => {
      const messages = [
        { role: 'user' as const, content: 'First' },
        { role: 'assistant' as const, content: 'An answer '.repeat(50) },
        { role: 'user' as const, content: 'Second' },
      ]
      const chat = newJob({ threadId: 'thread-request-id', request: { type: 'chat', messages, requestId: 'req-chat' } })
      const workflow = newJob({ type: 'workflow', threadId: 'thread-request-id', request: { type: 'workflow', workflow: 'w', input: {}, requestId: 'req-workflow' } })
      const older = newJob({ threadId: 'thread-request-id', request: { type: 'chat', messages } })
      for (const job of [chat, workflow, older]) await scope.provider.create(job)
      const requestIdOf = (record: { request: JobRequest } | null) => record?.request.requestId ?? null
      const getListed = scope.provider.getListed ?? scope.provider.get
      for (const [job, expected] of [[chat, 'req-chat'], [workflow, 'req-workflow'], [older, null]] as const) {
        expect(requestIdOf(await scope.provider.get(job.id))).toBe(expected)
        expect(requestIdOf(await getListed.call(scope.provider, job.id, { userId: 'user-a' }))).toBe(expected)
      }
      const listed = await scope.provider.list({ userId: 'user-a', threadId: 'thread-request-id' })
      expect(new Map(listed.map(record => [record.id, requestIdOf(record)]))).toEqual(new Map([[chat.id, 'req-chat'], [workflow.id, 'req-workflow'], [older.id, null]]))
    })

    it('keeps text in any script as given: user, thread, message, idempotency key, title, request and event text', async () => {
      const userId = 'ユーザー😀'
      const text = 'héllo 日本語 👨‍👩‍👧‍👦 e\u0301 שלום \u0000 end'
      const input = newJob({ lease: WRITER_LEASE, userId, threadId: '线程 😀', messageId: 'مرحبا', idempotencyKey: 'ключ-👍🏽', title: text, request: { type: 'chat', messages: [{ role: 'user', content: text }] } })
      const { record } = await scope.provider.create(input)
      expect(await scope.provider.get(input.id)).toEqual(record)
      expect(record).toMatchObject({ userId, threadId: '线程 😀', messageId: 'مرحبا', title: text })
      expect((await scope.provider.list({ userId, threadId: '线程 😀' })).map(job => job.id)).toEqual([input.id])
      expect((await scope.provider.list({ userId, messageId: 'مرحبا' })).map(job => job.id)).toEqual([input.id])
      expect((await scope.provider.create(newJob({ userId, idempotencyKey: 'ключ-👍🏽' }))).record.id).toBe(input.id)
      const log = [statusEvent(1), textEvent(2, 0, text), textEvent(3, text.length, '😀🎉')]
      await appendAccepted(scope.provider, input.id, log)
      expect((await scope.provider.readEvents(input.id, 1))?.events).toEqual(log.slice(1))
    })

    it('returns null for an unknown job', async () => {
      expect(await scope.provider.get('no-such-job')).toBeNull()
    })

    it('asked for a user\'s job, returns another user\'s as null, like an unknown one', async () => {
      const { record } = await scope.provider.create(newJob({ userId: 'user-a' }))
      expect(await scope.provider.get(record.id, { userId: 'user-b' })).toBeNull()
      expect(await scope.provider.get('no-such-job', { userId: 'user-b' })).toBeNull()
      expect(await scope.provider.get(record.id, { userId: 'user-a' })).toEqual(record)
    })

    it('getListed (optional: `get` without it) reads the job as `get`, a chat\'s request as a listing gives it; another user\'s is null', async () => {
      const getListed = scope.provider.getListed?.bind(scope.provider) ?? scope.provider.get.bind(scope.provider)
      const messages = [
        { role: 'user' as const, content: 'First' },
        { role: 'assistant' as const, content: 'Answer' },
        { role: 'user' as const, content: 'Second' },
        { role: 'assistant' as const, content: 'Partial' },
      ]
      const { record: chat } = await scope.provider.create(newJob({ userId: 'user-a', request: { type: 'chat', messages, model: 'm', promptMetadata: { n: 1 } } }))
      const { record: workflow } = await scope.provider.create(newJob({ userId: 'user-a', type: 'workflow', request: { type: 'workflow', workflow: 'w', input: { topic: 'x' } } }))
      const listed = await getListed(chat.id, { userId: 'user-a' })
      expect({ ...listed, request: null }).toEqual({ ...chat, request: null })
      expect(listed?.request).toMatchObject({ type: 'chat', model: 'm', promptMetadata: { n: 1 } })
      // The whole history, or only the last user message (what the job's summary shows).
      expect([messages, [messages[2]]]).toContainEqual(listed?.request.type === 'chat' ? listed.request.messages : null)
      expect(await getListed(workflow.id, { userId: 'user-a' })).toEqual(workflow)
      expect(await getListed(chat.id, { userId: 'user-b' })).toBeNull()
      expect(await getListed('no-such-job', { userId: 'user-a' })).toBeNull()
      expect(await getListed('no-such-job')).toBeNull()
    })

    it('returns the existing job for the same user and idempotency key', async () => {
      // With the fingerprint the engine stores in the request (idempotency.ts): a retry is compared with it.
      const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'first' }], fingerprint: 'fp-1' }
      const first = await createJob(scope.provider, { idempotencyKey: 'key-1', title: 'First', request })
      const retry = await scope.provider.create(newJob({ idempotencyKey: 'key-1', title: 'Retry' }))
      expect(retry.created).toBe(false)
      expect(retry.record).toEqual(first)
      expect(retry.record.request).toEqual(request)
      expect(await scope.provider.list({ userId: 'user-a' })).toHaveLength(1)
    })

    it('returns the existing job with its current status and log position', async () => {
      const first = await createJob(scope.provider, { idempotencyKey: 'key-1' })
      await appendAccepted(scope.provider, first.id, [statusEvent(1)])
      const retry = await scope.provider.create(newJob({ idempotencyKey: 'key-1' }))
      expect(retry).toMatchObject({ created: false, record: { id: first.id, status: 'running', lastSeq: 1 } })
    })

    it('keeps idempotency keys per user, and jobs without a key never collide', async () => {
      const mine = await createJob(scope.provider, { idempotencyKey: 'shared-key' })
      const theirs = await createJob(scope.provider, { userId: 'user-b', idempotencyKey: 'shared-key' })
      expect(theirs.id).not.toBe(mine.id)
      await createJob(scope.provider)
      await createJob(scope.provider)
      expect(await scope.provider.list({ userId: 'user-a' })).toHaveLength(3)
    })
  })

  describe('list', () => {
    it("lists only the user's jobs, newest first", async () => {
      const older = await createJob(scope.provider, { createdAt: START_MS + 10 })
      const newest = await createJob(scope.provider, { createdAt: START_MS + 30 })
      const middle = await createJob(scope.provider, { createdAt: START_MS + 20 })
      await createJob(scope.provider, { userId: 'user-b', createdAt: START_MS + 40 })
      const jobs = await scope.provider.list({ userId: 'user-a' })
      expect(jobs.map(job => job.id)).toEqual([newest.id, middle.id, older.id])
      expect(await scope.provider.list({ userId: 'nobody' })).toEqual([])
    })

    it('returns at most `limit` jobs, 50 by default', async () => {
      const ids: string[] = []
      for (let index = 0; index < 52; index++) ids.push((await createJob(scope.provider, { createdAt: START_MS + index })).id)
      const newestFirst = ids.reverse()
      expect((await scope.provider.list({ userId: 'user-a' })).map(job => job.id)).toEqual(newestFirst.slice(0, 50))
      expect((await scope.provider.list({ userId: 'user-a', limit: 3 })).map(job => job.id)).toEqual(newestFirst.slice(0, 3))
    })

    it('filters by status, thread and message, all at once', async () => {
      const running = await createJob(scope.provider, { threadId: 'thread-1', messageId: 'message-1' })
      await appendAccepted(scope.provider, running.id, [statusEvent(1)])
      const done = await createEndedJob(scope.provider, eventAt(5), 'completed', { threadId: 'thread-1', messageId: 'message-2' })
      const queued = await createJob(scope.provider, { threadId: 'thread-2', messageId: 'message-3' })
      const ids = async (filter: Omit<Parameters<typeof scope.provider.list>[0], 'userId'>) =>
        (await scope.provider.list({ userId: 'user-a', ...filter })).map(job => job.id).sort()

      expect(await ids({ status: ['running'] })).toEqual([running.id])
      expect(await ids({ status: ['queued', 'completed'] })).toEqual([done.id, queued.id].sort())
      expect(await ids({ threadId: 'thread-1' })).toEqual([running.id, done.id].sort())
      expect(await ids({ messageId: 'message-3' })).toEqual([queued.id])
      expect(await ids({ threadId: 'thread-1', status: ['completed'] })).toEqual([done.id])
      expect(await ids({ threadId: 'thread-2', status: ['completed'] })).toEqual([])
    })
  })

  definePageContract(scope)

  describe('countActive', () => {
    it('counts jobs not in a terminal status, globally and per user', async () => {
      const first = await createJob(scope.provider)
      const second = await createJob(scope.provider)
      await createJob(scope.provider, { userId: 'user-b' })
      await appendAccepted(scope.provider, second.id, [statusEvent(1), statusEvent(2, 'waiting')])
      expect(await scope.provider.countActive()).toBe(3)
      expect(await scope.provider.countActive({ userId: 'user-a' })).toBe(2)
      expect(await scope.provider.countActive({ userId: 'user-b' })).toBe(1)
      expect(await scope.provider.countActive({ userId: 'nobody' })).toBe(0)

      await appendAccepted(scope.provider, first.id, [endEvent(1, 'aborted')])
      await appendAccepted(scope.provider, second.id, [endEvent(3, 'failed')])
      expect(await scope.provider.countActive()).toBe(1)
      expect(await scope.provider.countActive({ userId: 'user-a' })).toBe(0)
    })
  })
}
