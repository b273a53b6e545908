/**
 * Many instances sharing one provider (Redis, Convex): requests for a job that runs on another
 * instance, and recovery of jobs whose owner was lost. An abort or input answer for a remote job
 * is sent to the owner as a control and the caller gets the owner's real reply (ok, 400, 409), or
 * the job's end when it ended meanwhile. Jobs whose lease expired are taken over: chat jobs end
 * `failed` (`owner-lost`, partial text kept; `completed` when their final round was stored,
 * recovered-end.ts) or, with `recovery.chat` = `continue`, run on from the stored text; workflow
 * jobs resume from the last finished node — but only after their stored request passed the checks
 * a route applies (stored-request.ts): an invalid one ends `failed` (`invalid-request`) without
 * reaching the upstream. An instance with `workflows.enabled` off, or
 * without the workflow registered, leaves lapsed workflows to the instances that can resume them,
 * and ends them only when none did.
 */
import { isTerminalStatus } from '../../shared/events'
import type { JobEvent } from '../../shared/events'
import type { BackgroundJobsConfig } from './config'
import { BackgroundJobsError, ProviderUnavailableError, RateLimitError, ShuttingDownError } from './errors'
import { endedInputConflict } from './ended-input-conflict'
import type { JobState } from '../../shared/reducer'
import { createFailureStreakLog } from './failure-streak-log'
import type { JobRun } from './job-run'
import type { Logger } from './logger'
import type { ControlReply, JobControl, JobLease, JobRecord } from './providers/types'
import { getListedRecord } from './listed-record'
import type { SharedProvider } from './run-lease'
import type { ToolRegistry } from './tools/types'
import type { WorkflowRegistry } from './workflows/types'
import type { ResumedRun } from './run-manager'
import { stopQuietly } from './stop-quietly'
import type { TimerSet } from './timers'
import { createTakeOver } from './take-over'
import { takenOverJobStart } from './job-start'
import { createLapseWake } from './lapse-wake'
import type { AnswerOutcome } from './stored-answer'
import { answeredAlike } from './stored-answer'
import { workflowAnswerReader } from './workflows/answer-as-read'

/** The owner's error, answered by the instance that received the request. */
export class ForwardedError extends BackgroundJobsError {
  override name: string
  override readonly statusCode: number
  constructor(reply: Extract<ControlReply, { ok: false }>) {
    super(reply.message)
    this.name = reply.error
    this.statusCode = reply.status
  }
}

/** The error a refusing reply stands for: a 429 is the owner's RateLimitError again (the sender's `Retry-After`, its limit counted). */
function forwardedError(reply: Extract<ControlReply, { ok: false }>): BackgroundJobsError {
  if (reply.status === 429 && reply.retryAfterSeconds !== undefined) return new RateLimitError(reply.message, reply.retryAfterSeconds, reply.limit)
  return new ForwardedError(reply)
}

/** The instance running a job did not answer in time (and the job did not end). */
export class OwnerUnreachableError extends BackgroundJobsError {
  override readonly name = 'OwnerUnreachableError'
  override readonly statusCode = 503
  constructor(jobId: string, waitedMs: number) {
    super(`The server running job ${jobId} did not answer within ${waitedMs} ms; retry shortly`)
  }
}

/** How many times a scan takes over a job it claimed before it leaves the lease to lapse (a store read or write failed each time). */
const MAX_TAKEOVER_TRIES = 3

/** What the cluster needs from the engine. */
export interface ClusterOptions {
  provider: SharedProvider
  instanceId: string
  getConfig: () => BackgroundJobsConfig
  now: () => number
  logger: Logger
  timers: TimerSet
  runs: Map<string, JobRun>
  startRun: (record: JobRecord, config: BackgroundJobsConfig, resume?: ResumedRun) => void
  /** What a recovered job's request is checked against before it runs again. */
  tools: ToolRegistry
  workflows: WorkflowRegistry
  /** A job ended here without running again (recovered-end.ts): the app's `job-ended` hook. */
  jobEnded?: (job: JobRecord, state: JobState) => Promise<void>
}

/** How a forwarded control came out (`shutdown`: the engine was disposed while it waited). */
type ForwardResult = ControlReply | 'ended' | 'timeout' | 'shutdown'

/** Creates the multi-instance side of an engine. */
export function createCluster(options: ClusterOptions) {
  const { provider, instanceId, now, logger } = options
  const takeOver = createTakeOver(options)
  let cancelRecovery: (() => void) | null = null
  /** The recovery scan under way: `stop` returns it (shutdown waits for the runs it starts) and no new one begins. */
  let recovering: Promise<number> | null = null
  let stopped = false
  /** Lapsed jobs this instance left to others at its last scan: taken at this one if still there. */
  let leftToOthers = new Set<string>()
  /**
   * Lapsed workflows this instance cannot run (`workflows.enabled` off here, or a workflow not
   * registered here), with when it first saw each: left to the instances that can resume them, and
   * ended here only once none took them.
   */
  let cannotRun = new Map<string, number>()
  /**
   * Jobs claimed here whose takeover failed after the claim (a store read or the end's write): the
   * lease is this instance's, so no scan lists them as lapsed until it lapses too. Each scan tries
   * them again first, a few times at most (then the lease is left to lapse, to any instance).
   */
  const claimedNotTaken = new Map<string, { record: JobRecord & { lease: JobLease }, jobStartedAtMs: number, tries: number }>()
  /**
   * Forwarded controls waiting for the owner: `dispose` clears the engine's timers, their timeout
   * among them, so it ends them (`cancelForwards`) rather than leave their requests hanging.
   */
  const forwarding = new Set<(result: ForwardResult) => void>()
  let forwardsCancelled = false

  /** How long a request waits for the owner: long enough for a lost owner to be replaced. */
  function replyTimeoutMs(): number {
    const { lease } = options.getConfig()
    return lease.durationMs + 2 * lease.heartbeatMs
  }

  /** Sends a control and waits for the owner's reply, the job's end, or the timeout. */
  async function forward(record: JobRecord, control: JobControl, timeoutMs: number): Promise<ForwardResult> {
    const controlId = await provider.sendControl(record.id, control)
    // Sent while the engine was being disposed: its timers are gone, nothing would end the wait.
    if (forwardsCancelled) return 'shutdown'
    return await new Promise<ForwardResult>((resolve, reject) => {
      const stops: Array<() => void> = []
      let settled = false
      const finish = (result: ForwardResult) => {
        if (settled) return
        settled = true
        forwarding.delete(finish)
        // One stop that throws (its client closed) must not keep the others, nor the answer.
        for (const stop of stops) stopQuietly(stop)
        resolve(result)
      }
      forwarding.add(finish)
      // The job's end and the owner's reply may come in either order (an answer is replied to once
      // stored, and the job may end meanwhile): an end seen first is checked for a stored reply.
      const endedOrReplied = async () => {
        const reply = await provider.readControlReply?.(record.id, controlId).catch(() => null)
        finish(reply ?? 'ended')
      }
      try {
        stops.push(options.timers.timeout(() => finish('timeout'), timeoutMs))
        stops.push(provider.subscribeControlReply(record.id, controlId, reply => finish(reply)))
        stops.push(provider.subscribe(record.id, (events: JobEvent[]) => {
          if (events.some(event => event.type === 'job-end')) void endedOrReplied()
        }, { afterSeq: record.lastSeq }))
      }
      catch (error) {
        // A subscription that threw at once fails the request: what was set up before it goes now,
        // not when the time limit runs out.
        settled = true
        forwarding.delete(finish)
        // The subscription's error is the request's, not that of a stop that throws after it.
        for (const stop of stops) stopQuietly(stop)
        reject(error)
        return
      }
      if (settled) for (const stop of stops) stopQuietly(stop)
    })
  }

  /**
   * The aborts of a job this instance forwards, by job id and the answer they give its pending
   * approvals. Aborts are counted by no rate limit, and each forwarded one is a control stored in
   * the job store (a reply subscription and timer here, a reply the owner writes): a burst of the
   * same abort of one job shares the one in flight instead. An abort is idempotent and every caller
   * is the job's owner (authorized first), so its outcome is every caller's.
   */
  const abortsInFlight = new Map<string, Promise<void>>()

  /**
   * Asks the owner on another instance to abort; resolves once the job ended. `answer`: answer and
   * stop — the owner answers the job's pending tool approvals with it in the same step (run-manager.ts).
   */
  function abortRemote(record: JobRecord, answer?: unknown): Promise<void> {
    const key = answer === undefined ? record.id : `${record.id} ${JSON.stringify(answer)}`
    const inFlight = abortsInFlight.get(key)
    if (inFlight) return inFlight
    const abort = forwardAbort(record, answer).finally(() => abortsInFlight.delete(key))
    abortsInFlight.set(key, abort)
    return abort
  }

  async function forwardAbort(record: JobRecord, answer: unknown): Promise<void> {
    const timeoutMs = replyTimeoutMs()
    const result = await forward(record, { type: 'abort', userId: record.userId, ...(answer === undefined ? {} : { answer }) }, timeoutMs)
    if (result === 'shutdown') throw new ShuttingDownError()
    if (result === 'ended' || (typeof result === 'object' && result.ok)) return
    if (typeof result === 'object') throw forwardedError(result)
    // Its status is all this needs: not a long chat's whole history.
    const fresh = await getListedRecord(provider, record.id)
    if (!fresh || !isTerminalStatus(fresh.status)) throw new OwnerUnreachableError(record.id, timeoutMs)
  }

  /** Forwards an answer to the owner; throws its refusal (400 wrong shape, 409 not pending). */
  async function answerRemote(record: JobRecord, userId: string, requestId: string, answer: unknown): Promise<AnswerOutcome> {
    const timeoutMs = replyTimeoutMs()
    const result = await forward(record, { type: 'input', userId, requestId, answer }, timeoutMs)
    if (result === 'shutdown') throw new ShuttingDownError()
    if (typeof result === 'object') {
      if (result.ok) return { stored: result.stored !== false }
      throw forwardedError(result)
    }
    // The owner replies once the answer is stored, and the job may end in between (the answer let
    // it finish): this caller's answer in the log was taken, whatever came first. The question's
    // own timeout (or another answer) in the log means it was not.
    // A store that does not answer that read is its 503 (retry): whether the job took this answer
    // is unknown, not refused.
    if (result === 'ended') {
      if (await answerStored(record, requestId, userId, answer)) return { stored: true }
      throw await endedInputConflict(provider, record.id, requestId)
    }
    // No reply in time: the owner may have taken and stored the answer while its reply was lost
    // (that write failed) — then a 503 would have the client retry into a 409 "already answered".
    // A log that cannot be read leaves the owner's 503.
    if (await answerStored(record, requestId, userId, answer).catch(() => false)) return { stored: true }
    throw new OwnerUnreachableError(record.id, timeoutMs)
  }

  /**
   * True when the job's stored log holds this answer of `userId`'s to `requestId` (not its
   * timeout's, nor another answer of the same user's), or to the question asked again in its place
   * after a takeover (answeredAlike). Rejects with the store's error when it cannot be read.
   */
  async function answerStored(record: JobRecord, requestId: string, userId: string, answer: unknown): Promise<boolean> {
    const state = await provider.getState(record.id)
    return state ? answeredAlike(state, requestId, userId, answer, workflowAnswerReader(options.workflows, record.request)) : false
  }

  /**
   * How long this instance counts as alive after each scan: lapsed before the leases of its jobs
   * do (a lost instance is no longer counted when its jobs are shared out), yet past the next scan.
   */
  function instanceTtlMs(config: BackgroundJobsConfig): number {
    const { durationMs, heartbeatMs } = config.lease
    return Math.max(Math.ceil(heartbeatMs * 1.5), durationMs - heartbeatMs)
  }

  /**
   * How many jobs this instance may run before it leaves the rest of the lapsed jobs that would run
   * again to the others: its fair share of the active jobs (null: take them all — the provider
   * cannot tell, or the store could not be read).
   */
  async function fairShare(config: BackgroundJobsConfig): Promise<number | null> {
    if (!provider.heartbeatInstance) return null
    try {
      const load = await provider.heartbeatInstance(instanceId, instanceTtlMs(config))
      // A lease lapsing before the next scan: scanned again right then (lapse-wake.ts).
      if (cancelRecovery) lapseWake.note(load.nextLapseInMs)
      return Math.ceil(load.activeJobs / Math.max(1, load.instances))
    }
    catch (error) {
      // The store cannot be reached: nor can the lapsed jobs be listed. The scan fails as a whole
      // (logged once per outage below) rather than a line for each step every heartbeat.
      if (error instanceof ProviderUnavailableError) throw error
      logger.warn('could not read the cluster\'s load; taking over every lapsed job', { error })
      return null
    }
  }

  /** True for a workflow this instance cannot resume while another may: workflows off here, or its workflow not registered here. */
  function cannotResumeHere(expired: JobRecord, config: BackgroundJobsConfig): boolean {
    if (expired.type !== 'workflow') return false
    if (!config.workflows.enabled) return true
    const name = (expired.request as { workflow?: unknown } | null | undefined)?.workflow
    return typeof name === 'string' && !options.workflows.get(name)
  }

  // A store outage fails every scan (one per lease heartbeat): one line when it starts, one when it ends.
  const scanLog = createFailureStreakLog({ logger, failed: 'recovery scan failed; it runs again every lease heartbeat (not logged again until one succeeds)', recovered: 'recovery scan succeeded again', fields: {} })

  const lapseWake = createLapseWake({ timers: options.timers, scanIntervalMs: () => options.getConfig().lease.heartbeatMs, wake: current => void (recovering ?? Promise.resolve()).then(() => current() ? recover(true) : 0) })

  /** Takes over jobs whose owner stopped renewing its lease. Returns how many. `wake`: the scan at a lapse (lapse-wake.ts). */
  function recover(wake = false): Promise<number> {
    // A disabled instance (`enabled: false`) takes over nothing: it runs no job at all.
    if (recovering || stopped || !options.getConfig().enabled) return Promise.resolve(0)
    recovering = lapseWake.scan(wake, scanLapsed).finally(() => {
      recovering = null
    })
    return recovering
  }

  async function scanLapsed(): Promise<number> {
    let recovered = 0
    try {
      const config = options.getConfig()
      const share = await fairShare(config)
      await retryClaimed(config)
      const left = new Set<string>()
      const unrunnable = new Map<string, number>()
      const lapsed = await provider.listExpiredLeases()
      lapseWake.listed(lapsed.map(expired => expired.id))
      for (const expired of lapsed) {
        if (stopped) break
        if (options.runs.has(expired.id)) continue
        const runsAgain = expired.type === 'workflow' || config.recovery.chat === 'continue'
        if (cannotResumeHere(expired, config)) {
          // Workflows are off here (a canary, a rollout), or this one is not registered here (a
          // deploy that adds it is under way), not necessarily elsewhere: an instance that can
          // resume the job takes it within two of its scans. Still lapsed after as long as a lost
          // owner takes to be replaced, no instance can: it is ended here (invalid-request).
          const seenAt = cannotRun.get(expired.id) ?? now()
          unrunnable.set(expired.id, seenAt)
          if (now() - seenAt < replyTimeoutMs()) continue
        }
        // Spread: past its share, a job that would run again is left to the other instances for
        // one scan; still lapsed at the next, it is taken (the others had their turn). Chats that
        // only end are cheap: anyone ends them.
        else if (runsAgain && share !== null && options.runs.size >= share && !leftToOthers.has(expired.id)) {
          left.add(expired.id)
          continue
        }
        const leaseAskedAtMs = performance.now()
        const lease = await provider.claimLease(expired.id, instanceId, config.lease.durationMs)
        if (!lease) continue
        recovered++
        // The job's time limit counts from its first start, read on the store's clock (job-start.ts).
        const jobStartedAtMs = takenOverJobStart({ record: expired, lease, leaseMs: config.lease.durationMs, claimAskedAtMs: leaseAskedAtMs, now })
        await takeOverHeld({ ...expired, lease }, leaseAskedAtMs, jobStartedAtMs, config, 1)
      }
      leftToOthers = left
      cannotRun = unrunnable
      scanLog.succeeded()
    }
    catch (error) {
      scanLog.failed(error)
    }
    return recovered
  }

  /**
   * Takes over a job whose lease this instance holds (`jobStartedAtMs`: when the job first started,
   * on `performance.now()`); on a failure it is kept to be tried again (`tries` so far) and the error thrown.
   */
  async function takeOverHeld(record: JobRecord & { lease: JobLease }, leaseAskedAtMs: number, jobStartedAtMs: number, config: BackgroundJobsConfig, tries: number): Promise<void> {
    try {
      await takeOver(record, leaseAskedAtMs, config, jobStartedAtMs)
    }
    catch (error) {
      if (tries < MAX_TAKEOVER_TRIES) claimedNotTaken.set(record.id, { record, jobStartedAtMs, tries })
      throw error
    }
  }

  /** Tries again the takeovers that failed after their claim, under the lease renewed first (false: another instance has the job now). */
  async function retryClaimed(config: BackgroundJobsConfig): Promise<void> {
    for (const [id, { record, jobStartedAtMs, tries }] of claimedNotTaken) {
      if (stopped) return
      if (options.runs.has(id)) {
        claimedNotTaken.delete(id)
        continue
      }
      const leaseAskedAtMs = performance.now()
      const held = await provider.heartbeatLease(id, record.lease, config.lease.durationMs)
      claimedNotTaken.delete(id)
      if (held) await takeOverHeld(record, leaseAskedAtMs, jobStartedAtMs, config, tries + 1)
    }
  }

  /** Tells the others this instance is gone (shutdown): they no longer count it in their shares. */
  async function leave(): Promise<void> {
    await provider.heartbeatInstance?.(instanceId, 0).catch(() => undefined)
  }

  return {
    abortRemote,
    answerRemote,
    recover: () => recover(),
    leave,
    /** Starts periodic recovery (every heartbeat). */
    start() {
      if (cancelRecovery) return
      // Counted by the others from now on, not only from this instance's first scan.
      if (provider.heartbeatInstance) void provider.heartbeatInstance(instanceId, instanceTtlMs(options.getConfig())).catch(() => undefined)
      cancelRecovery = options.timers.interval(() => void recover(), options.getConfig().lease.heartbeatMs)
    },
    /** Stops recovery; returns the scan under way (its claims in flight may still start runs). */
    /** Ends the forwarded controls still waiting (the engine is disposed): their callers get `ShuttingDownError`. */
    cancelForwards(): void {
      forwardsCancelled = true
      for (const finish of [...forwarding]) finish('shutdown')
    },
    stop(): Promise<number> | null {
      stopped = true
      cancelRecovery?.()
      cancelRecovery = null
      lapseWake.cancel()
      return recovering
    },
  }
}

/** The multi-instance side of an engine. */
export type Cluster = ReturnType<typeof createCluster>
