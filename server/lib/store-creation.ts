/**
 * Storing a new job: one insert that also counts the concurrency and rate limits in the store, so
 * they hold across instances. A refusal by the store becomes the 429 it means (and is counted in
 * `jobs_refused_total`); an Idempotency-Key already used returns the stored record (`created: false`).
 */
import type { BackgroundJobsConfig } from './config'
import type { CreateJobInput } from './engine-types'
import { ConcurrencyLimitError } from './errors'
import type { KeyRefusal } from './admit-creation'
import { withFingerprint } from './idempotency'
import { titleOf } from './job-summary'
import { useMetrics } from './metrics'
import type { ExpiredJob, JobLease, JobProvider, JobRecord, JobRequest } from './providers/types'
import { ActiveLimitError, RateRefusedError } from './providers/types'
import { creationRates, RATE_LIMITS, rateLimitError } from './rate-limit'
import type { JobTrace } from './telemetry/job-trace'

/** What the engine decided about the job before it is stored. */
export interface NewJob {
  id: string
  userId: string
  input: CreateJobInput
  /** The admitted request (the input's, checked). */
  request: JobRequest
  /** Its span context is stored with the request (`request.trace`). */
  trace: Pick<JobTrace, 'stored'>
  createdAt: number
  /** The first lease, with a shared provider. */
  lease: JobLease | null
  config: BackgroundJobsConfig
  /**
   * The key's job only, or this refusal (admit-creation.ts): asked with a per-user limit of 0, which
   * every store checks after the Idempotency-Key, so nothing is created or counted.
   */
  refusal?: KeyRefusal | null
  /** Each finished job the store deleted to make room for this one (`CreateOptions.onEvicted`). */
  onEvicted?: (job: ExpiredJob) => void
}

/**
 * Counts a creation a concurrency limit refused in `jobs_refused_total`: here, or by a caller that
 * asked with `retriedWhenRefused` and then lets the refusal stand without trying again.
 */
export function countConcurrencyRefusal(error: Pick<ConcurrencyLimitError, 'scope'>): void {
  useMetrics().increment('jobs_refused_total', { reason: `${error.scope}-limit` })
}

/** Inserts the job with its limits counted by the store; resolves with the stored record. */
export async function storeCreation(provider: JobProvider, job: NewJob): Promise<{ record: JobRecord, created: boolean }> {
  const { id, userId, input, request, trace, createdAt, lease, config, refusal, onEvicted } = job
  const { maxConcurrentJobs, maxConcurrentJobsPerUser, maxConcurrentAnonymousJobsPerAddress, retryAfterSeconds } = config.limits
  // Jobs the caller ends once this one is stored hold slots that are this one's while they are
  // still active (`endsActiveJobs`): the store counts them in the same step as the insert.
  const freeing = input.endsActiveJobs?.length ? { freeing: input.endsActiveJobs } : {}
  const evicted = onEvicted ? { onEvicted } : {}
  try {
    return await provider.create({
      id,
      userId,
      type: request.type,
      threadId: input.threadId ?? null,
      messageId: input.messageId ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      title: titleOf(input),
      request: withFingerprint(trace.stored ? { ...request, trace: trace.stored } : request, input),
      createdAt,
      lease,
    }, refusal
      ? { maxActivePerUser: 0, ...evicted }
      : {
          ...evicted,
          maxActivePerUser: maxConcurrentJobsPerUser,
          maxActive: maxConcurrentJobs,
          ...(input.anonymousAddress !== undefined && maxConcurrentAnonymousJobsPerAddress > 0 ? { maxActivePerAddress: { address: input.anonymousAddress, limit: maxConcurrentAnonymousJobsPerAddress } } : {}),
          ...freeing,
          ...(lease ? { leaseMs: config.lease.durationMs } : {}),
          ...(input.limitRate ? { rates: creationRates(userId, input.anonymousAddress, config.limits) } : {}),
        })
  }
  catch (error) {
    // No job for the key: the refusal stands, counted as without a key.
    if (refusal && error instanceof ActiveLimitError) return await refusal.refuse()
    if (error instanceof ActiveLimitError) {
      if (!input.retriedWhenRefused) countConcurrencyRefusal(error)
      throw new ConcurrencyLimitError(error.scope, error.limit, retryAfterSeconds)
    }
    if (error instanceof RateRefusedError) {
      useMetrics().increment('jobs_refused_total', { reason: 'rate' })
      const kind = error.key.startsWith('anonymousCreate:') ? 'anonymousCreate' : 'create'
      throw rateLimitError(kind, config.limits[RATE_LIMITS[kind].setting], error.retryAfterMs)
    }
    throw error
  }
}
