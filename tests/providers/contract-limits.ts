/**
 * Contract: limits counted in the store, so they hold across instances — the active-job limits
 * checked by `create` in the same step as the insert, and the sliding window of `takeRate`.
 */
import { describe, expect, it } from 'vitest'
import { ActiveLimitError, RateRefusedError } from '../../server/lib/providers/types'
import type { ContractScope } from './contract'
import { appendAccepted, createJob, endEvent, newJob, WRITER_LEASE } from './contract-fixtures'

const WINDOW_MS = 60_000

/** Defines the limit tests. */
export function defineLimitContract(scope: ContractScope): void {
  describe('create with active-job limits', () => {
    it('refuses a job over the per-user limit with ActiveLimitError, storing nothing', async () => {
      await createJob(scope.provider)
      await createJob(scope.provider)
      const refused = await scope.provider.create(newJob(), { maxActivePerUser: 2 }).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(ActiveLimitError)
      expect(refused).toMatchObject({ scope: 'user', limit: 2 })
      expect(await scope.provider.list({ userId: 'user-a' })).toHaveLength(2)
      expect(await scope.provider.countActive()).toBe(2)
      // Another user is under the limit.
      expect((await scope.provider.create(newJob({ userId: 'user-b' }), { maxActivePerUser: 2 })).created).toBe(true)
    })

    it('refuses a job over the global limit; a finished job no longer counts', async () => {
      const first = await createJob(scope.provider)
      await createJob(scope.provider, { userId: 'user-b' })
      await expect(scope.provider.create(newJob({ userId: 'user-c' }), { maxActive: 2 })).rejects.toMatchObject({ scope: 'global', limit: 2 })
      await appendAccepted(scope.provider, first.id, [endEvent(1, 'completed')])
      expect((await scope.provider.create(newJob({ userId: 'user-c' }), { maxActive: 2, maxActivePerUser: 1 })).created).toBe(true)
    })

    it('counts the jobs the caller ends once it is created (`freeing`) as free while they are active; one ended meanwhile frees nothing', async () => {
      const stopped = await createJob(scope.provider)
      // Another user's job, or one that does not exist, frees nothing either.
      const other = await createJob(scope.provider, { userId: 'user-b' })
      const freeing = [stopped.id, other.id, 'no-such-job']
      const first = await scope.provider.create(newJob(), { maxActivePerUser: 1, maxActive: 2, freeing })
      expect(first.created).toBe(true)
      // Two tabs wrote past the same answer: the first one's turn ended it, taking its slot.
      await appendAccepted(scope.provider, stopped.id, [endEvent(1, 'aborted')])
      await expect(scope.provider.create(newJob(), { maxActivePerUser: 1, freeing })).rejects.toMatchObject({ scope: 'user', limit: 1 })
      await expect(scope.provider.create(newJob({ userId: 'user-c' }), { maxActive: 2, freeing })).rejects.toMatchObject({ scope: 'global', limit: 2 })
      expect(await scope.provider.countActive()).toBe(2)
    })

    it('counts a job named twice in `freeing` once', async () => {
      // Three active jobs of the user (made without a limit), a limit of 2: ending one of them
      // leaves two and the new one, however often it is named; ending two leaves room.
      const [a, b] = [await createJob(scope.provider), await createJob(scope.provider), await createJob(scope.provider)]
      await expect(scope.provider.create(newJob(), { maxActivePerUser: 2, freeing: [a!.id, a!.id] })).rejects.toMatchObject({ scope: 'user', limit: 2 })
      expect((await scope.provider.create(newJob(), { maxActivePerUser: 2, freeing: [a!.id, b!.id] })).created).toBe(true)
    })

    it('counts jobs under an anonymous client address (`maxActivePerAddress`) across users; an ended job frees its slot', async () => {
      const perAddress = (address: string) => ({ maxActivePerAddress: { address, limit: 2 } })
      const first = await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-1' }), perAddress('198.51.100.7'))
      const second = await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-2' }), perAddress('198.51.100.7'))
      const refused = await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-3' }), perAddress('198.51.100.7')).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(ActiveLimitError)
      expect(refused).toMatchObject({ scope: 'address', limit: 2 })
      expect(await scope.provider.list({ userId: 'anon-3' })).toEqual([])
      // Another address, and a job counted under none, are not held.
      expect((await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-3' }), perAddress('2001:db8:1:2::/64'))).created).toBe(true)
      expect((await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-3' }))).created).toBe(true)
      // However it ends, an ended job leaves the count.
      await appendAccepted(scope.provider, first.record.id, [endEvent(1, 'failed')])
      const third = await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-4' }), perAddress('198.51.100.7'))
      await expect(scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-5' }), perAddress('198.51.100.7'))).rejects.toMatchObject({ scope: 'address' })
      // Jobs the caller ends once this one is created free their slots (`freeing`), as for the user's limit.
      expect((await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-4' }), { ...perAddress('198.51.100.7'), freeing: [third.record.id] })).created).toBe(true)
      await appendAccepted(scope.provider, second.record.id, [endEvent(1, 'aborted')])
      await appendAccepted(scope.provider, third.record.id, [endEvent(1, 'completed')])
      expect((await scope.provider.create(newJob({ lease: WRITER_LEASE, userId: 'anon-6' }), perAddress('198.51.100.7'))).created).toBe(true)
    })

    it('never refuses an idempotent retry of a job it holds', async () => {
      const first = await createJob(scope.provider, { idempotencyKey: 'key-1' })
      const retry = await scope.provider.create(newJob({ idempotencyKey: 'key-1' }), { maxActivePerUser: 1, maxActive: 1 })
      expect(retry).toMatchObject({ created: false, record: { id: first.id } })
    })

    it('a per-user limit of 0 looks the key up only: its job back, or a refusal that stores nothing (admit-creation.ts)', async () => {
      const first = await createJob(scope.provider, { idempotencyKey: 'key-1' })
      await appendAccepted(scope.provider, first.id, [endEvent(1, 'completed')])
      expect(await scope.provider.create(newJob({ idempotencyKey: 'key-1' }), { maxActivePerUser: 0 })).toMatchObject({ created: false, record: { id: first.id } })
      await expect(scope.provider.create(newJob({ idempotencyKey: 'key-2' }), { maxActivePerUser: 0 })).rejects.toBeInstanceOf(ActiveLimitError)
      await expect(scope.provider.create(newJob({ userId: 'user-b' }), { maxActivePerUser: 0 })).rejects.toBeInstanceOf(ActiveLimitError)
      expect((await scope.provider.list({ userId: 'user-a' })).map(job => job.id)).toEqual([first.id])
      expect(await scope.provider.list({ userId: 'user-b' })).toEqual([])
    })
  })

  describe('create with rate windows', () => {
    const rate = { key: 'create:user-a', limit: 2, windowMs: WINDOW_MS }
    const rates = [rate]

    it('counts each job created, refuses over the limit with RateRefusedError and when a slot frees, storing nothing', async () => {
      await scope.provider.create(newJob(), { rates })
      await scope.advance(10_000)
      await scope.provider.create(newJob(), { rates })
      await scope.advance(10_000)
      const refused = await scope.provider.create(newJob(), { rates }).catch((error: unknown) => error)
      expect(refused).toBeInstanceOf(RateRefusedError)
      expect(refused).toMatchObject({ retryAfterMs: 40_000, key: rate.key })
      expect(await scope.provider.list({ userId: 'user-a' })).toHaveLength(2)
      // The same window as `takeRate` with that key.
      expect(await scope.provider.takeRate(rate.key, 2, WINDOW_MS)).toEqual({ ok: false, retryAfterMs: 40_000 })
      await scope.advance(40_000)
      expect((await scope.provider.create(newJob(), { rates })).created).toBe(true)
    })

    it('counts no hit for an idempotent retry or a creation an active-job limit refuses', async () => {
      const first = await scope.provider.create(newJob({ idempotencyKey: 'key-1' }), { rates })
      for (let retry = 0; retry < 3; retry++) {
        expect(await scope.provider.create(newJob({ idempotencyKey: 'key-1' }), { rates })).toMatchObject({ created: false, record: { id: first.record.id } })
      }
      for (let refused = 0; refused < 3; refused++) {
        await expect(scope.provider.create(newJob(), { rates, maxActivePerUser: 1 })).rejects.toBeInstanceOf(ActiveLimitError)
      }
      // One hit so far: one more job fits in the window, then it is full.
      expect((await scope.provider.create(newJob(), { rates })).created).toBe(true)
      await expect(scope.provider.create(newJob(), { rates })).rejects.toBeInstanceOf(RateRefusedError)
    })

    it('counts the creation in every window or in none: a full one refuses, naming its key, and the others keep their hits', async () => {
      const address = { key: 'anonymousCreate:198.51.100.7', limit: 1, windowMs: WINDOW_MS }
      const both = [rate, address]
      expect((await scope.provider.create(newJob(), { rates: both })).created).toBe(true)
      await scope.advance(10_000)
      for (let refused = 0; refused < 3; refused++) {
        const error = await scope.provider.create(newJob(), { rates: both }).catch((caught: unknown) => caught)
        expect(error).toBeInstanceOf(RateRefusedError)
        expect(error).toMatchObject({ key: address.key, retryAfterMs: 50_000 })
      }
      expect(await scope.provider.list({ userId: 'user-a' })).toHaveLength(1)
      // The refusals took nothing from the user's window: it has its second hit left, then is full.
      expect((await scope.provider.create(newJob(), { rates })).created).toBe(true)
      expect(await scope.provider.takeRate(rate.key, 2, WINDOW_MS)).toEqual({ ok: false, retryAfterMs: 50_000 })
      const full = await scope.provider.create(newJob(), { rates: [address, rate] }).catch((caught: unknown) => caught)
      expect(full).toMatchObject({ key: address.key })
    })

    it('with several windows full, says when all of them have room: the longest wait, naming that window', async () => {
      const address = { key: 'anonymousCreate:198.51.100.7', limit: 1, windowMs: WINDOW_MS }
      const once = { ...rate, limit: 1 }
      expect((await scope.provider.create(newJob(), { rates: [once] })).created).toBe(true)
      await scope.advance(30_000)
      expect((await scope.provider.create(newJob({ userId: 'user-b' }), { rates: [address] })).created).toBe(true)
      await scope.advance(10_000)
      // The user's window frees in 20 s, the address's in 50 s: a retry after 20 s would be refused again.
      const refused = await scope.provider.create(newJob(), { rates: [once, address] }).catch((caught: unknown) => caught)
      expect(refused).toBeInstanceOf(RateRefusedError)
      expect(refused).toMatchObject({ key: address.key, retryAfterMs: 50_000 })
      await scope.advance(50_000)
      expect((await scope.provider.create(newJob(), { rates: [once, address] })).created).toBe(true)
    })
  })

  describe('takeRate', () => {
    it('counts `limit` hits per key in a sliding window, then says when a slot frees', async () => {
      expect(await scope.provider.takeRate('create:alice', 2, WINDOW_MS)).toEqual({ ok: true })
      await scope.advance(10_000)
      expect(await scope.provider.takeRate('create:alice', 2, WINDOW_MS)).toEqual({ ok: true })
      await scope.advance(10_000)
      expect(await scope.provider.takeRate('create:alice', 2, WINDOW_MS)).toEqual({ ok: false, retryAfterMs: 40_000 })
      expect(await scope.provider.takeRate('create:bob', 2, WINDOW_MS)).toEqual({ ok: true })
      expect(await scope.provider.takeRate('input:alice', 2, WINDOW_MS)).toEqual({ ok: true })
      // Refused hits do not count: the first hit leaves the window and frees one slot.
      await scope.advance(40_000)
      expect(await scope.provider.takeRate('create:alice', 2, WINDOW_MS)).toEqual({ ok: true })
      expect(await scope.provider.takeRate('create:alice', 2, WINDOW_MS)).toEqual({ ok: false, retryAfterMs: 10_000 })
    })

    it('after the limit was lowered (a restart, another instance), says when enough hits left the window, not when the oldest does', async () => {
      for (let hit = 0; hit < 3; hit++) {
        expect(await scope.provider.takeRate('create:alice', 3, WINDOW_MS)).toEqual({ ok: true })
        await scope.advance(10_000)
      }
      // Hits at 0, 10 and 20 s; at 30 s a limit of 1 has room once all three left (the newest, 50 s
      // from now), a limit of 2 once two did (40 s): not when the oldest leaves (30 s).
      expect(await scope.provider.takeRate('create:alice', 1, WINDOW_MS)).toEqual({ ok: false, retryAfterMs: 50_000 })
      await expect(scope.provider.create(newJob({ userId: 'alice' }), { rates: [{ key: 'create:alice', limit: 2, windowMs: WINDOW_MS }] })).rejects.toMatchObject({ retryAfterMs: 40_000 })
      await scope.advance(49_999)
      expect(await scope.provider.takeRate('create:alice', 1, WINDOW_MS)).toMatchObject({ ok: false })
      await scope.advance(1)
      expect(await scope.provider.takeRate('create:alice', 1, WINDOW_MS)).toEqual({ ok: true })
    })
  })
}
