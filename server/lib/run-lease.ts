/**
 * The owner's side of a job on a shared provider: while it runs the job, an instance renews the
 * lease every `lease.heartbeatMs` (stopping the run when another instance took it over) and
 * follows the job's controls (abort, input answers sent to any instance), from the start, so
 * nothing sent while nobody owned the job is missed. Each control gets a reply with the real
 * outcome, which the sending instance turns into its HTTP answer. An owner that was away past its
 * lease (frozen, cut off from the store) confirms the lease before it acts on anything
 * (lease-confirmation.ts).
 */
import { BackgroundJobsError, RateLimitError } from './errors'
import type { JobRun } from './job-run'
import { createFailureStreakLog } from './failure-streak-log'
import { createLeaseConfirmation } from './lease-confirmation'
import { getListedRecord } from './listed-record'
import type { Logger } from './logger'
import type { ControlReply, JobLease, JobProvider, StoredJobControl } from './providers/types'

/** The calls a provider needs for instances to share jobs (Redis, Convex; not memory). */
export type SharedProvider = JobProvider & Required<Pick<JobProvider,
  'subscribe' | 'sendControl' | 'subscribeControls' | 'replyToControl' | 'subscribeControlReply' | 'claimLease' | 'heartbeatLease' | 'listExpiredLeases'>>

/** True when the provider lets several instances share jobs. */
export function isSharedProvider(provider: JobProvider): provider is SharedProvider {
  return Boolean(provider.subscribe && provider.sendControl && provider.subscribeControls && provider.replyToControl
    && provider.subscribeControlReply && provider.claimLease && provider.heartbeatLease && provider.listExpiredLeases)
}

/** The reply a control gets for an error thrown while acting on it. */
export function replyOf(error: unknown): ControlReply {
  if (error instanceof RateLimitError) return { ok: false, status: error.statusCode, error: error.name, message: error.message, retryAfterSeconds: error.retryAfterSeconds, limit: error.setting }
  if (error instanceof BackgroundJobsError) return { ok: false, status: error.statusCode, error: error.name, message: error.message }
  return { ok: false, status: 500, error: 'InternalError', message: 'The instance running the job could not act on the request' }
}

/** What holding a lease needs. */
export interface HoldLeaseOptions {
  provider: SharedProvider
  logger: Logger
  /** Acts on a control; resolves with the reply (the owner's real outcome). */
  onControl: (run: JobRun, control: StoredJobControl) => Promise<ControlReply>
  /** Another instance took the job over, or (`gone`) the store no longer has it: stop the run without writing. */
  onLost: (run: JobRun, reason: string, gone: boolean) => void
  /** A monotonic clock in ms (tests). @default performance.now */
  monotonicNow?: () => number
  /** When the lease was asked for, on that clock (lease-confirmation.ts). @default now */
  askedAtMs?: number
}

/** A held lease: its cleanup, and the check an owner makes before it starts anything (lease-confirmation.ts). */
export interface LeaseHold {
  release: () => void
  confirm: () => Promise<void> | null
  /** True while the lease surely holds (asks the store nothing). */
  holds: () => boolean
  /** Acts now on controls read from the store (`readControls`); the subscription skips them then. */
  catchUp: (controls: StoredJobControl[]) => void
}

/** Keeps the lease of a run alive and acts on its controls. */
export function holdLease(run: JobRun, lease: JobLease, options: HoldLeaseOptions): LeaseHold {
  const { provider, logger } = options
  const { id } = run.record
  // Once per outage, not per beat (failure-streak-log.ts).
  const heartbeatLog = createFailureStreakLog({ logger, level: 'warn', failed: 'lease heartbeat failed (not logged again until a heartbeat succeeds)', recovered: 'lease heartbeat succeeded again', fields: { jobId: id } })
  /** The store refused the lease: another instance holds it, or the store lost the job (a restart without its data). */
  // A stored end makes the lease moot (the store refuses it for a finished job); while the end
  // is being stored its write decides: refused (another owner) stops the run there.
  // Stopped already (the periodic heartbeat and a confirmation may both hear the refusal): once.
  const settled = () => run.live.ended || Boolean(run.live.ending) || run.controller.signal.aborted
  const refused = async () => {
    if (settled()) return
    // Whether the job is still stored is all this asks: not a long chat's whole history.
    const record = await getListedRecord(provider, id)
    if (!settled()) options.onLost(run, record ? 'lease lost to another instance' : 'the job is no longer in the store', !record)
  }
  /**
   * The lease held, but a store whose heartbeat does not read the job (`heartbeatSeesLostJob`:
   * Convex) would not say it lost it. A running job learns it at its next write; one waiting for an
   * answer writes nothing until the answer, or `limits.inputTimeoutMs` (hours, maybe) — holding the
   * run and its user's slot meanwhile, its tabs asking for an answer to a job that no longer exists.
   * So while it waits, its record is read after each heartbeat (one small read); gone, the run
   * stops as at a refused write (`job-lost`). A read that fails is asked again at the next beat.
   */
  // One read at a time: a store slower than the heartbeat (degraded) is not asked again meanwhile.
  let reading = false
  const held = () => {
    if (reading || provider.heartbeatSeesLostJob || run.live.peek().status !== 'waiting' || settled()) return
    reading = true
    void getListedRecord(provider, id).then((record) => {
      if (!record && !settled()) options.onLost(run, 'the job is no longer in the store', true)
    }, () => undefined).finally(() => {
      reading = false
    })
  }
  const confirmation = createLeaseConfirmation({
    jobId: id,
    lease,
    durationMs: run.config.lease.durationMs,
    heartbeatMs: run.config.lease.heartbeatMs,
    heartbeat: (jobId, held, durationMs) => provider.heartbeatLease(jobId, held, durationMs),
    onRefused: refused,
    onSucceeded: () => heartbeatLog.succeeded(),
    signal: run.controller.signal,
    timers: run.timers,
    monotonicNow: options.monotonicNow,
    askedAtMs: options.askedAtMs,
  })
  const act = (control: StoredJobControl) => {
    // Only the job's owner may steer it; anyone else learns nothing (a 404, as locally).
    const reply: Promise<ControlReply> = control.userId === run.record.userId
      ? options.onControl(run, control).catch(replyOf)
      : Promise.resolve({ ok: false, status: 404, error: 'JobNotFoundError', message: `Job ${id} not found` })
    void reply.then(answer => provider.replyToControl(id, control.id, answer))
      .catch(error => logger.warn('could not reply to a control', { jobId: id, controlId: control.id, error }))
  }
  /** Controls read at a takeover and acted on then: the subscription, from the start, meets them again. */
  const actedOn = new Set<string>()
  const receive = (control: StoredJobControl) => {
    // A control delivered to an owner that was away past its lease (frozen, cut off) may belong to
    // the next owner: act on it (and reply) only once the store confirmed the lease; when it was
    // lost, the real owner answers it.
    const pending = confirmation.confirm()
    if (!pending) return act(control)
    pending.then(() => act(control), () => logger.info('a control reached this instance after it lost the job; left to the owner', { jobId: id, controlId: control.id }))
  }
  const unsubscribe = provider.subscribeControls(id, (control) => {
    if (!actedOn.has(control.id)) receive(control)
  }, { fromStart: true })
  run.timers.interval(() => {
    void confirmation.beat().then(holds => holds ? held() : refused()).catch(error => heartbeatLog.failed(error))
  }, run.config.lease.heartbeatMs)
  const catchUp = (controls: StoredJobControl[]) => {
    for (const control of controls) {
      actedOn.add(control.id)
      receive(control)
    }
  }
  return { release: unsubscribe, confirm: confirmation.confirm, holds: confirmation.holds, catchUp }
}
