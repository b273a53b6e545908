/**
 * Many instances sharing one provider (Convex): the owner of a job holds a lease (instance id +
 * epoch) that it renews every `lease.heartbeatMs`; writes carry the epoch, so a stale owner is
 * fenced off. Abort and input answers sent to another instance reach the owner as controls, by
 * subscription. Jobs whose lease expired are taken over: chat jobs end `failed` (`owner-lost`,
 * partial text kept), workflow jobs resume from the last finished node.
 */
import { emptyMetrics, isTerminalStatus } from '../../shared/events'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import { InputConflictError, JobAbortedError } from './errors'
import type { JobRun } from './job-run'
import type { Logger } from './logger'
import type { JobLease, JobProvider, JobRecord, StoredJobControl } from './providers/types'
import type { TimerSet } from './timers'
import { traceOwnerLost } from './telemetry/job-trace'

/** What the cluster needs from the engine. */
export interface ClusterOptions {
  provider: JobProvider
  instanceId: string
  getConfig: () => BackgroundJobsConfig
  now: () => number
  logger: Logger
  timers: TimerSet
  runs: Map<string, JobRun>
  abortRun: (run: JobRun, reason: JobAbortedError) => void
  abandonRun: (run: JobRun, reason: string) => void
  startRun: (record: JobRecord, config: BackgroundJobsConfig, resume?: { state: JobState, lease: JobLease }) => void
}

/** Creates the multi-instance side of an engine; `enabled` is false on single-process providers. */
export function createCluster(options: ClusterOptions) {
  const { provider, instanceId, now, logger } = options
  const enabled = Boolean(provider.sendControl && provider.subscribeControls && provider.claimLease && provider.heartbeatLease && provider.listExpiredLeases && provider.subscribe)
  let cancelRecovery: (() => void) | null = null
  let recovering = false

  function handleControl(run: JobRun, control: StoredJobControl) {
    if (control.userId !== run.record.userId) return // only the owner may steer a job
    if (control.type === 'abort') {
      options.abortRun(run, new JobAbortedError('aborted', 'Aborted by the user'))
      return
    }
    try {
      run.inputs.answer(control.requestId, control.answer, control.userId)
    }
    catch (error) {
      logger.warn('a forwarded input answer was refused', { jobId: run.record.id, requestId: control.requestId, error })
    }
  }

  /** Keeps the lease of a run alive and listens for controls; returns the cleanup. */
  function attach(run: JobRun, lease: JobLease): () => void {
    if (!enabled) return () => {}
    const config = run.config
    // From the start: an abort sent while nobody owned the job still applies; answers already given are refused as stale.
    const unsubscribe = provider.subscribeControls!(run.record.id, control => handleControl(run, control), { fromStart: true })
    run.timers.interval(() => {
      void provider.heartbeatLease!(run.record.id, lease, config.lease.durationMs).then((held) => {
        if (!held && !run.live.ended) options.abandonRun(run, 'lease lost to another instance')
      }, error => logger.warn('lease heartbeat failed', { jobId: run.record.id, error }))
    }, config.lease.heartbeatMs)
    return unsubscribe
  }

  /** Resolves when the job's log holds a `job-end`, or after `timeoutMs`. */
  function waitForEnd(record: JobRecord, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      let unsubscribe = () => {}
      const cancel = options.timers.timeout(() => finish(), timeoutMs)
      function finish() {
        cancel()
        unsubscribe()
        resolve()
      }
      unsubscribe = provider.subscribe!(record.id, (events: JobEvent[]) => {
        if (events.some(event => event.type === 'job-end')) finish()
      }, { afterSeq: record.lastSeq })
    })
  }

  /** Asks the owner on another instance to abort, and waits (a lease period at most) for the end. */
  async function abortRemote(record: JobRecord): Promise<void> {
    await provider.sendControl!(record.id, { type: 'abort', userId: record.userId })
    const ended = waitForEnd(record, options.getConfig().lease.durationMs)
    // It may have ended between our read and the subscription.
    const fresh = await provider.get(record.id)
    if (fresh && isTerminalStatus(fresh.status)) return
    await ended
  }

  /** Forwards an answer to the owner; checks first that the request is pending. */
  async function answerRemote(record: JobRecord, userId: string, requestId: string, answer: unknown): Promise<void> {
    const state = await provider.getState(record.id)
    if (!state?.pendingInputs.some(input => input.requestId === requestId)) {
      throw new InputConflictError(requestId, state?.answeredInputs.some(input => input.requestId === requestId) ? 'was already answered or expired' : 'is not pending for this job')
    }
    await provider.sendControl!(record.id, { type: 'input', userId, requestId, answer })
  }

  /** Takes over jobs whose owner stopped renewing its lease. Returns how many. */
  async function recover(): Promise<number> {
    if (!enabled || recovering) return 0
    recovering = true
    let recovered = 0
    try {
      const config = options.getConfig()
      for (const expired of await provider.listExpiredLeases!(now())) {
        if (options.runs.has(expired.id)) continue
        const lease = await provider.claimLease!(expired.id, instanceId, config.lease.durationMs)
        if (!lease) continue
        recovered++
        const record = { ...expired, lease }
        if (record.type === 'workflow') {
          const state = await provider.getState(record.id)
          if (state && !isTerminalStatus(state.status)) {
            logger.info('resuming a workflow whose owner was lost', { jobId: record.id, fromSeq: state.seq })
            options.startRun(record, config, { state, lease })
            continue
          }
        }
        const result = await provider.appendEvents(record.id, [{
          type: 'job-end',
          status: 'failed',
          error: { code: 'owner-lost', message: 'The server running this job stopped; the text so far is kept', failedDuring: 'engine' },
          metrics: emptyMetrics(),
          seq: record.lastSeq + 1,
          at: now(),
        }], { epoch: lease.epoch })
        logger.info('ended a job whose owner was lost', { jobId: record.id, ok: result.ok })
        if (result.ok) traceOwnerLost(record, lease, config, now())
      }
    }
    catch (error) {
      logger.error('recovery failed', { error })
    }
    finally {
      recovering = false
    }
    return recovered
  }

  return {
    enabled,
    attach,
    abortRemote,
    answerRemote,
    recover,
    /** Starts periodic recovery (every heartbeat). */
    start() {
      if (!enabled || cancelRecovery) return
      cancelRecovery = options.timers.interval(() => void recover(), options.getConfig().lease.heartbeatMs)
    },
    stop() {
      cancelRecovery?.()
      cancelRecovery = null
    },
  }
}
