/**
 * Many instances sharing one provider (Redis, Convex): requests for a job that runs on another
 * instance, and recovery of jobs whose owner was lost. An abort or input answer for a remote job
 * is sent to the owner as a control and the caller gets the owner's real reply (ok, 400, 409), or
 * the job's end when it ended meanwhile (forwarded-controls.ts). Jobs whose lease expired are taken over: chat jobs end
 * `failed` (`owner-lost`, partial text kept; `completed` when their final round was stored,
 * recovered-end.ts) or, with `recovery.chat` = `continue`, run on from the stored text; workflow
 * jobs resume from the last finished node — but only after their stored request passed the checks
 * a route applies (stored-request.ts): an invalid one ends `failed` (`invalid-request`) without
 * reaching the upstream. An instance with `workflows.enabled` off, or
 * without the workflow registered, leaves lapsed workflows to the instances that can resume them,
 * and ends them only when none did.
 */
import type { BackgroundJobsConfig } from './config'
import { ProviderUnavailableError } from './errors'
import type { JobState } from '../../shared/reducer'
import { createFailureStreakLog } from './failure-streak-log'
import type { JobRun } from './job-run'
import type { Logger } from './logger'
import type { JobLease, JobRecord } from './providers/types'
import type { SharedProvider } from './run-lease'
import type { ToolRegistry } from './tools/types'
import type { WorkflowRegistry } from './workflows/types'
import type { ResumedRun } from './run-manager'
import type { TimerSet } from './timers'
import type { TakenOver } from './take-over'
import { createTakeOver } from './take-over'
import { takenOverJobStart } from './job-start'
import { createLapseWake } from './lapse-wake'
import { createControlForwarding, ownerReplyTimeoutMs } from './forwarded-controls'

export { ForwardedError } from './forwarded-controls'
export { OwnerUnreachableError } from './errors'

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

/** Creates the multi-instance side of an engine. */
export function createCluster(options: ClusterOptions) {
  const { provider, instanceId, now, logger } = options
  const takeOver = createTakeOver(options)
  const forwarding = createControlForwarding(options)
  /** How long a lost owner takes to be replaced (forwarded-controls.ts): how long a lapsed workflow no instance here can run is left to the others. */
  const replyTimeoutMs = () => ownerReplyTimeoutMs(options.getConfig())
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
  const claimedNotTaken = new Map<string, { record: TakenOver, jobStartedAtMs: number, tries: number }>()
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
        // The instance whose lease lapsed, read before the claim replaces it: the takeover lines name it.
        const lostOwner = expired.lease?.instanceId ?? null
        const leaseAskedAtMs = performance.now()
        const lease = await provider.claimLease(expired.id, instanceId, config.lease.durationMs)
        if (!lease) continue
        recovered++
        // The job's time limit counts from its first start, read on the store's clock (job-start.ts).
        const jobStartedAtMs = takenOverJobStart({ record: expired, lease, leaseMs: config.lease.durationMs, claimAskedAtMs: leaseAskedAtMs, now })
        await takeOverHeld({ ...expired, lease, lostOwner }, leaseAskedAtMs, jobStartedAtMs, config, 1)
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
  async function takeOverHeld(record: TakenOver, leaseAskedAtMs: number, jobStartedAtMs: number, config: BackgroundJobsConfig, tries: number): Promise<void> {
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
    abortRemote: forwarding.abortRemote,
    answerRemote: forwarding.answerRemote,
    recover: () => recover(),
    leave,
    /** Starts periodic recovery (every heartbeat). */
    start() {
      if (cancelRecovery) return
      // Counted by the others from now on, not only from this instance's first scan.
      if (provider.heartbeatInstance) void provider.heartbeatInstance(instanceId, instanceTtlMs(options.getConfig())).catch(() => undefined)
      cancelRecovery = options.timers.interval(() => void recover(), options.getConfig().lease.heartbeatMs)
    },
    /** Ends the forwarded controls still waiting (the engine is disposed): their callers get `ShuttingDownError`. */
    cancelForwards: forwarding.cancelForwards,
    /** Stops recovery; returns the scan under way (its claims in flight may still start runs). */
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
