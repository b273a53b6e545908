import { describe, expect, it, vi } from 'vitest'
import { createMemoryProvider, ProviderFullError } from '../../server/lib/providers/memory'
import { defineProviderContract } from './contract'
import { appendAccepted, chatLog, createEndedJob, createJob, endEvent, newJob, START_MS, statusEvent } from './contract-fixtures'

defineProviderContract('memory', async ({ now }) => ({ provider: createMemoryProvider({ now }) }), { controls: false })

describe('memory provider', () => {
  const zeroStats = { jobs: 0, events: 0, idempotencyKeys: 0, users: 0, listeners: 0, threads: 0 }

  describe('maxJobs', () => {
    it('evicts the job that finished first to make room', async () => {
      const provider = createMemoryProvider({ maxJobs: 3 })
      const first = await createJob(provider)
      const second = await createJob(provider)
      const third = await createJob(provider)
      await appendAccepted(provider, second.id, [endEvent(1, 'aborted')])
      await appendAccepted(provider, first.id, [endEvent(1, 'completed')])

      const fourth = await createJob(provider)
      expect(await provider.get(second.id)).toBeNull()
      expect(await provider.get(first.id)).not.toBeNull()
      expect(provider.stats().jobs).toBe(3)

      const fifth = await createJob(provider)
      expect(await provider.get(first.id)).toBeNull()
      expect((await provider.list({ userId: 'user-a' })).map(job => job.id).sort()).toEqual([third.id, fourth.id, fifth.id].sort())
    })

    it('refuses a new job with ProviderFullError when every held job is active, storing nothing', async () => {
      const provider = createMemoryProvider({ maxJobs: 2 })
      const kept = await createJob(provider, { idempotencyKey: 'key-1' })
      await createJob(provider)
      const before = provider.stats()
      await expect(createJob(provider, { idempotencyKey: 'key-2' })).rejects.toThrow(ProviderFullError)
      await expect(createJob(provider)).rejects.toThrow(/maximum of 2 jobs/)
      expect(provider.stats()).toEqual(before)
      // A retry of a job it holds needs no room.
      expect(await provider.create({ ...kept, id: 'ignored' })).toMatchObject({ created: false, record: { id: kept.id } })
    })

    it('a creation refused with ProviderFullError takes nothing from its rate windows', async () => {
      const provider = createMemoryProvider({ maxJobs: 1 })
      const rates = [{ key: 'create:user-a', limit: 1, windowMs: 60_000 }]
      const first = await createJob(provider, { userId: 'user-b' })
      // Full: the user's retries (503) store nothing, and count nothing either.
      for (let retry = 0; retry < 3; retry++) {
        await expect(provider.create(newJob(), { rates })).rejects.toThrow(ProviderFullError)
      }
      await appendAccepted(provider, first.id, [endEvent(1, 'completed')])
      expect((await provider.create(newJob(), { rates })).created).toBe(true)
    })
  })

  describe('hygiene', () => {
    it('holds nothing once every job is deleted', async () => {
      const provider = createMemoryProvider()
      for (const userId of ['user-a', 'user-b']) {
        const job = await createJob(provider, { userId, idempotencyKey: `key-${userId}` })
        provider.subscribe(job.id, () => {})
        await appendAccepted(provider, job.id, chatLog())
        await appendAccepted(provider, job.id, [endEvent(4, 'completed', START_MS)])
      }
      await createEndedJob(provider, START_MS, 'failed')
      expect(provider.stats()).toEqual({ jobs: 3, events: 10, idempotencyKeys: 2, users: 2, listeners: 2, threads: 0 })

      expect(await provider.deleteExpired(START_MS + 1)).toBe(3)
      expect(provider.stats()).toEqual(zeroStats)
      expect(await provider.countActive()).toBe(0)
    })

    it('holds nothing once every job is deleted one by one (deleteJob)', async () => {
      const provider = createMemoryProvider()
      const job = await createJob(provider, { idempotencyKey: 'key-1' })
      provider.subscribe(job.id, () => {})
      await appendAccepted(provider, job.id, chatLog('completed'))
      const other = await createEndedJob(provider, START_MS, 'failed')
      expect(await provider.deleteJob(job.id)).toBe('deleted')
      expect(await provider.deleteJob(other.id)).toBe('deleted')
      expect(provider.stats()).toEqual(zeroStats)
    })

    it('holds no thread once the jobs of its threads are deleted, evicted or expired', async () => {
      const provider = createMemoryProvider({ maxJobs: 2 })
      const evicted = await createEndedJob(provider, START_MS, 'completed', { threadId: 'evicted' })
      await createEndedJob(provider, START_MS + 1, 'completed', { threadId: 'kept' })
      expect(provider.stats().threads).toBe(2)
      // Room for a third job: the first to end is evicted, and its thread with it.
      const third = await createEndedJob(provider, START_MS + 2, 'completed', { threadId: 'kept' })
      expect(await provider.get(evicted.id)).toBeNull()
      expect((await provider.listThreads({ userId: 'user-a', limit: 10 })).threads.map(thread => thread.threadId)).toEqual(['kept'])
      expect(provider.stats().threads).toBe(1)
      expect(await provider.deleteJob(third.id)).toBe('deleted')
      expect(await provider.deleteExpired(START_MS + 10)).toBe(1)
      expect(provider.stats()).toEqual(zeroStats)
    })

    it('drops a listener on unsubscribe and holds nothing after dispose', async () => {
      const provider = createMemoryProvider()
      const job = await createJob(provider)
      const unsubscribe = provider.subscribe(job.id, () => {})
      expect(provider.stats().listeners).toBe(1)
      unsubscribe()
      expect(provider.stats().listeners).toBe(0)
      expect(provider.subscribe('no-such-job', () => {})).toBeTypeOf('function')
      await provider.dispose()
      expect(provider.stats()).toEqual(zeroStats)
      expect(await provider.countActive()).toBe(0)
    })
  })

  describe('details beyond the contract', () => {
    it('breaks createdAt ties in list by id, descending', async () => {
      const provider = createMemoryProvider()
      for (const id of ['b', 'c', 'a']) await createJob(provider, { id, createdAt: START_MS })
      expect((await provider.list({ userId: 'user-a' })).map(job => job.id)).toEqual(['c', 'b', 'a'])
    })

    it('accepts an empty batch without notifying anyone', async () => {
      const provider = createMemoryProvider()
      const job = await createJob(provider)
      const listener = vi.fn()
      provider.subscribe(job.id, listener)
      expect(await provider.appendEvents(job.id, [])).toEqual({ ok: true, lastSeq: 0 })
      expect(listener).not.toHaveBeenCalled()
    })

    it('stores the events even when a listener throws, and reports the error', async () => {
      const onListenerError = vi.fn()
      const provider = createMemoryProvider({ onListenerError })
      const job = await createJob(provider)
      const later = vi.fn()
      provider.subscribe(job.id, () => {
        throw new Error('viewer broke')
      })
      provider.subscribe(job.id, later)
      await appendAccepted(provider, job.id, [statusEvent(1)])
      expect(onListenerError).toHaveBeenCalledWith(expect.objectContaining({ message: 'viewer broke' }), job.id)
      expect(later).toHaveBeenCalledWith([statusEvent(1)])
    })

    it('hands out copies: changing a returned record or batch changes nothing stored', async () => {
      const provider = createMemoryProvider()
      const job = await createJob(provider)
      job.status = 'completed'
      const batch = [statusEvent(1)]
      await appendAccepted(provider, job.id, batch)
      batch.push(statusEvent(2))
      const stored = await provider.get(job.id)
      expect(stored).toMatchObject({ status: 'running', lastSeq: 1 })
      stored!.lastSeq = 99
      expect((await provider.get(job.id))?.lastSeq).toBe(1)
      expect((await provider.readEvents(job.id, 0))?.events).toEqual([statusEvent(1)])
    })

    it('refuses to create a second job with an id it holds', async () => {
      const provider = createMemoryProvider()
      const job = await createJob(provider)
      await expect(provider.create({ ...job, idempotencyKey: null })).rejects.toThrow(/already exists/)
    })
  })
})
