/**
 * Ending a run: once, with an outcome. The end is written first, retried until stored, and only
 * then reported (to viewers, the log, notifications); a run whose code goes on after its end is
 * named in a warning. Used by the run manager (run-manager.ts).
 */
import type { JobEvent } from '../../shared/events'
import { JobAbortedError } from './errors'
import { settleEndStored } from './end-stored'
import { endCodeFields, logJobEnded, modelFields, runRounds, workflowField } from './job-end-log'
import type { JobRun, RunOutcome } from './job-run'
import type { Logger } from './logger'
import { useMetrics } from './metrics'
import { nextTurn } from './next-turn'
import type { NotificationHub } from './notifications'

/**
 * How long after a job's end was stored its code may go on before a warning names the run: code
 * that does not heed its signal holds the run (its lease, its slot, `engine_oldest_run_age_ms`)
 * past the job's end, and the job's `job ended` line is already written.
 */
export const RUN_RETURN_WARN_MS = 30_000

/** Why a job whose events the store refused for good ends (`store-refused`): the store's words are logged, not shown. */
export function storeRefusedReason(): JobAbortedError {
  return new JobAbortedError('store-refused', 'The job store refused this job\'s events with an error that sending them again cannot get past (logged on the server with the job id): the job was stopped, and what the store had taken is kept')
}

/**
 * Logs that the store refused a write of the job for good, once the job ends for it (`store-refused`):
 * at the refusal when the end was not decided yet (run-manager.ts), else once the end written alone
 * says so — the write given up may have landed after all, and the job then ends with the end stored.
 */
export function logStoreRefused(logger: Logger, jobId: string, error: unknown): void {
  logger.error('the job store refused a write of the job for good; the job ends failed', { jobId, error })
}

/** What ending a run needs from its engine. */
export interface RunEndOptions {
  logger: Logger
  notifications: NotificationHub
  /** This instance: its `job ended` lines name it (`instanceId`), as the takeover lines do. */
  instanceId: string
}

/** Creates the `endRun` of a run manager. */
export function createRunEnd(options: RunEndOptions): (run: JobRun, outcome: RunOutcome) => Promise<void> {
  const { logger, notifications, instanceId } = options

  function notifyEnd(run: JobRun) {
    const { record, live } = run
    notifications.notify(record.userId, { type: 'job-end', jobId: record.id, threadId: record.threadId, status: live.state.status, title: record.title })
  }

  /**
   * Ends a run with an outcome (once: later outcomes are refused, like a late complete after
   * abort). The end is written first, retried until stored, and only then reported; resolves then.
   */
  function endRun(run: JobRun, outcome: RunOutcome): Promise<void> {
    if (run.ending) return run.ending
    if (run.abandoned) return Promise.resolve()
    let endEvent: JobEvent | null = null
    // The final text and the end go out below, this turn; what follows (storing and reporting the
    // end, closing the viewers, the log line, hooks, notifications) waits a turn, so jobs ending
    // together never hold back the text other streams have already received (bench/notes/fanout.md).
    // Set first: the last pushes may pass persist.maxPendingBytes, whose abort then finds the end
    // decided — not a second end of its own on top of this one.
    run.ending = nextTurn().then(() => run.persist.flush()).then(async (flushed) => {
      // The store refused a write for good: the end goes alone, after what it holds, and says so
      // (an end decided before, `completed`, would claim text the store does not have).
      let stored = flushed
      if (stored === 'failed' && endEvent) {
        const decided = outcome
        if (outcome.error?.code !== 'store-refused') {
          const reason = storeRefusedReason()
          outcome = { status: 'failed', error: { code: reason.code, message: reason.message } }
          endEvent = run.live.replaceEnd({ status: outcome.status, error: outcome.error }) ?? endEvent
        }
        stored = await run.persist.storeEnd(endEvent)
        // The write given up had landed after all (only its reply was lost): the job's end is the one
        // of this run's the store holds, not the one alone — reported as stored (it wins), once.
        const own = run.persist.ownEndStored
        // A refusal after the end was decided is logged only now, and only if the job does end refused
        // here: not when the end stored is another (a completed one that landed) or the job is handed off.
        const endsRefused = (own?.type === 'job-end' ? own : outcome).error?.code === 'store-refused'
        if (decided.error?.code !== 'store-refused' && endsRefused && (stored === 'stored' || stored === 'failed')) logStoreRefused(logger, run.record.id, run.persist.refusal)
        if (own?.type === 'job-end') {
          outcome = own.status === decided.status && own.error?.code === decided.error?.code ? decided : { status: own.status, ...(own.error ? { error: own.error } : {}) }
          // At the seq viewers expect, as the end alone is (the store numbers that one after what it holds).
          endEvent = run.live.replaceEnd({ ...own, seq: endEvent.seq }) ?? endEvent
          logger.warn('the job store had stored the write it was given up on; the job ends with the end stored', { jobId: run.record.id, status: own.status })
        }
        // Refused for good too: the provider closed the job without its log (its status, counts and
        // lease index: redis), or the job ends here only (viewers, slots, hooks), logged once — the
        // store still says it runs, until a takeover meets the same refusal (providers.md).
        const closed = run.persist.closedWithoutLog
        if (closed) logger.warn('the job store refused the job\'s end too; the job was closed in the store without it (its log left as it is)', { jobId: run.record.id, error: run.persist.refusal, ...(closed.unindexed.length > 0 ? { unindexed: closed.unindexed } : {}) })
        if (stored === 'failed') {
          logger.error('the job store refused the job\'s end too; the job ended on this instance only', { jobId: run.record.id, error: run.persist.refusal })
          stored = 'stored'
        }
        // Text the viewers got and the store never took is taken back before they are told the end
        // (live-job.ts `takeBack`): every viewer ends on what is stored, as a reconnect does.
        const dropped = run.persist.droppedFrom
        if (stored === 'stored' && dropped !== null && !run.abandoned) endEvent = run.live.takeBack(dropped) ?? endEvent
      }
      // The span says how the job ended only once that end is stored; a refused (another owner)
      // or given-up (shutdown) end is a hand-off: whoever owns the job now ends it.
      if (stored === 'stored') run.trace.end(outcome, run.metrics, run.live.state.content, endEvent?.at, modelFields(runRounds(run), outcome.failedModel))
      else {
        run.trace.abandon(`the end was not stored (${stored})`)
        // Refused: another instance had taken the job over. Closed: shutdown gave up writing it.
        // Not twice: a run stopped meanwhile (its lease lost, a write refused) was counted then.
        if (!run.abandoned) useMetrics().increment('runs_handed_off_total', { cause: stored === 'refused' ? 'end-refused' : 'shutdown' })
      }
      // A call the end cut off is counted only with an end stored: else the next owner counts it.
      settleEndStored(run, stored === 'stored')
      if (stored !== 'stored' || run.abandoned) return
      run.live.reportEnd()
      logJobEnded(logger, { jobId: run.record.id, type: run.record.type, ...workflowField(run.record.request), instanceId, traceId: run.trace.traceId, requestId: run.requestId, steps: runRounds(run), ...(outcome.failedModel === undefined ? {} : { failedModel: outcome.failedModel }) }, outcome.status, outcome.error, run.metrics)
      notifyEnd(run)
      if (!run.codeReturned) warnWhileHeld(run, outcome)
    })
    run.live.flush()
    // Elapsed time, on the monotonic clock (a wall-clock step during the run changes nothing), from
    // the job's first start: a job taken over counts its earlier owners' time too (job-start.ts).
    run.metrics.duration_ms = Math.round(performance.now() - run.jobStartedAt)
    endEvent = run.live.end({ type: 'job-end', status: outcome.status, ...(outcome.error ? { error: outcome.error } : {}), metrics: { ...run.metrics, tokens: { ...run.metrics.tokens } } })
    return run.ending
  }

  /**
   * The job ended (a time limit, an abort) while its code still runs: once it has not returned
   * within `RUN_RETURN_WARN_MS`, one warning names the job — the stuck run the age gauge shows —
   * and an info line says when the code returns (startRun). On the run's timers: gone with the run.
   */
  function warnWhileHeld(run: JobRun, outcome: RunOutcome) {
    const endedAt = performance.now()
    run.timers.timeout(() => {
      if (run.codeReturned || run.abandoned) return
      run.heldWarnedSince = endedAt
      logger.warn(`the job ended but its code has not returned after ${RUN_RETURN_WARN_MS} ms (code that does not heed its signal); its run is held until it does`, {
        jobId: run.record.id, status: outcome.status, ...endCodeFields(outcome.status, outcome.error), heldMs: RUN_RETURN_WARN_MS,
      })
    }, RUN_RETURN_WARN_MS)
  }

  return endRun
}
