/**
 * The limits `create` checks in the same atomic step as its insert (the provider contract's
 * `CreateOptions`), and the errors it throws when one refuses: an active-job limit or a rate window.
 */
import type { ExpiredJob } from './types'

/** Options of `create`: limits checked in the same atomic step as the insert. */
export interface CreateOptions {
  /** Refuse with `ActiveLimitError('user')` when the user already has this many active jobs. */
  maxActivePerUser?: number
  /** Refuse with `ActiveLimitError('global')` when this many jobs are active in the whole store. */
  maxActive?: number
  /**
   * Count the new job under `address` (an anonymous client's, http/anonymous-address.ts) while it
   * is active, and refuse with `ActiveLimitError('address')` when `limit` jobs counted under it are
   * active already — in the same atomic step as the insert. A job leaves the count when it ends,
   * however it ends (its terminal status), or is deleted.
   */
  maxActivePerAddress?: { address: string, limit: number }
  /**
   * Count the creation as one hit of each window (as `takeRate` does), in the same step as the
   * insert; refuse with `RateRefusedError` (naming the full window's key) when `limit` hits fall in
   * any of them — then none counts it. Only a job that is really created counts: an idempotent
   * retry or a creation refused by an active-job limit takes no hit.
   */
  rates?: readonly RateWindow[]
  /**
   * The length of the new job's lease. A store with a clock of its own that judges expiry (Convex)
   * counts it from there instead of taking `lease.expiresAt` from the creating instance's clock.
   */
  leaseMs?: number
  /**
   * Jobs of the same user that the caller ends once this one is created (the answers a new AI SDK
   * turn supersedes or replaces): those of them still active when the limits are counted, in the
   * same atomic step, do not count against `maxActivePerUser` and `maxActive` (their slots are this
   * job's). One already ended (another request ended it meanwhile) frees nothing: it was counted
   * free once already, by that request.
   */
  freeing?: readonly string[]
  /**
   * Called with each finished job the store deletes to make room for this one (the memory
   * provider's `maxJobs`), before `create` resolves, so the engine tells the user's streams
   * (`job-deleted`) as for a job retention deletes. A store without such a cap never calls it.
   */
  onEvicted?: (job: ExpiredJob) => void
}

/**
 * Thrown by `create` when an active-job limit is reached (nothing is written). Counting inside the
 * store makes the limit hold across every instance sharing it. An idempotent retry of an existing
 * job is never refused.
 */
export class ActiveLimitError extends Error {
  override readonly name = 'ActiveLimitError'
  constructor(readonly scope: ActiveLimitScope, readonly limit: number) {
    super(`${scope === 'user' ? 'The user has' : scope === 'address' ? 'The client address has' : 'The store holds'} ${limit} active jobs already`)
  }
}

/** What an active-job limit counts: a user's jobs, an anonymous client address's, or every job. */
export type ActiveLimitScope = 'user' | 'address' | 'global'

/** A sliding window of `create`'s `rates`: at most `limit` hits of `key` in `windowMs`. */
export interface RateWindow {
  key: string
  limit: number
  windowMs: number
}

/** Thrown by `create` when one of its `rates` windows (`key`) is full (nothing is written, no hit counted). */
export class RateRefusedError extends Error {
  override readonly name = 'RateRefusedError'
  constructor(readonly retryAfterMs: number, readonly key: string) {
    super(`The rate window ${key} is full; a slot frees in ${retryAfterMs} ms`)
  }
}
