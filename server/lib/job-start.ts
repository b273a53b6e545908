/**
 * When a job taken over first started, on the new owner's `performance.now()` clock: its time limit
 * (`limits.jobTimeoutMs`) counts from there, not from the takeover, so a job whose owners keep
 * dying (or that a rolling deploy hands on several times) gets only what is left of it.
 *
 * No two instances' clocks are compared: the job's age is read on the store's clock — from the
 * store's creation (`storeCreatedAt`) to the claim (the claimed lease's `expiresAt` less the lease
 * length it was claimed for, both on the store's clock) — and laid back from the moment this
 * instance sent the claim (before the store's "now", so the job's start is never placed later than
 * it was: the age is at most the claim's round trip too short, never too long).
 * A job an earlier version stored has no `storeCreatedAt`: its `createdAt` (its creator's clock)
 * against this instance's wall clock, the only age there is (off by the two clocks' difference).
 */
import type { JobState } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import type { JobLease, JobRecord } from './providers/types'
import { toolNameList } from './tool-name-list'

/** What the age of a job at its takeover is read from. */
export interface TakeoverClock {
  /** The record as the claim found it (listed is enough). */
  record: Pick<JobRecord, 'createdAt' | 'storeCreatedAt'>
  /** The lease the claim returned. */
  lease: JobLease
  /** The lease length the claim asked for (`lease.durationMs`). */
  leaseMs: number
  /** `performance.now()` before the claim was sent. */
  claimAskedAtMs: number
  /** This instance's wall clock (only for a record without `storeCreatedAt`). */
  now: () => number
}

/** How long the job had run (on every owner, waits included) when the claim took it; never negative. */
export function jobAgeAtClaim(clock: TakeoverClock): number {
  const { record, lease, leaseMs } = clock
  const age = record.storeCreatedAt === undefined
    ? clock.now() - record.createdAt
    : lease.expiresAt - leaseMs - record.storeCreatedAt
  return Math.max(0, age)
}

/** When the job first started, on this instance's `performance.now()` clock. */
export function takenOverJobStart(clock: TakeoverClock): number {
  return clock.claimAskedAtMs - jobAgeAtClaim(clock)
}

/**
 * What a job that ran past its time limit says (`takenOver`: counted across owners), naming the
 * tools whose calls were still running then (`runningTools`: their names only, never their
 * arguments) — what held the job, which "exceeded its time limit" alone left the user to guess.
 */
export function timeLimitMessage(config: BackgroundJobsConfig, takenOver: boolean, runningTools: readonly string[] = []): string {
  return `Job exceeded its time limit of ${config.limits.jobTimeoutMs} ms (limits.jobTimeoutMs${takenOver ? ', counted from its first start' : ''})${heldBy(runningTools)}`
}

/** The names of the tools whose calls are running in `state` (each once, in call order). */
export function runningToolNames(state: Pick<JobState, 'toolCalls'>): string[] {
  return [...new Set(state.toolCalls.filter(call => call.status === 'running').map(call => call.name))]
}

function heldBy(names: readonly string[]): string {
  if (names.length === 0) return ''
  return ` while ${toolNameList(names)} ${names.length === 1 ? 'was' : 'were'} running`
}
