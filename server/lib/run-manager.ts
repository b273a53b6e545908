/**
 * Running jobs on this instance: start a run (its timers, write-behind queue, live log, lease and
 * runner), end it once with an outcome (run-end.ts), abort it, or abandon it to another instance, and act on
 * controls forwarded from other instances. A job's end is reported (to viewers, notifications,
 * hooks) only once the provider stored it. Every run releases everything it holds when its
 * runner has settled.
 */
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import type { JobRunners } from './engine-types'
import type { RoundTextStarts } from './executor/round-text'
import { InputConflictError, InvalidRequestError, JobAbortedError, SchemaCheckFailedError } from './errors'
import type { JobRun, RunOutcome } from './job-run'
import { createJobRun, isUnexpectedError, outcomeOf, releaseRun } from './job-run'
import type { Logger } from './logger'
import { useMetrics } from './metrics'
import type { HandOffCause } from './metric-known-series'
import type { NotificationHub } from './notifications'
import { createPersistQueue, writeIntervalMs } from './persist-queue'
import type { ControlReply, JobLease, JobProvider, JobRecord, StoredJobControl } from './providers/types'
import type { RunContext } from './run-context'
import { JobFailure } from './run-context'
import type { LeaseHold, SharedProvider } from './run-lease'
import { holdLease, replyOf } from './run-lease'
import type { TakeoverAnswers } from './takeover-answers'
import { createTakeoverAnswers } from './takeover-answers'
import { VOIDED_BY_TAKEOVER } from './answer-taken'
import { createTimerSet } from './timers'
import { runningToolNames, timeLimitMessage } from './job-start'
import { createFailureStreakLog } from './failure-streak-log'
import { answerAndStore, answeredByLostOwner } from './stored-answer'
import type { JobTrace } from './telemetry/job-trace'
import { startJobTrace } from './telemetry/job-trace'
import type { BatchClock } from './batch-clock'
import { STUCK_END_LEASE_PERIODS } from './stuck-end-write'
import { storeAnswers } from './providers/instrument-provider'
import { settleEndStored } from './end-stored'
import { announceLostJob } from './lost-job'
import { createRunEnd, logStoreRefused, storeRefusedReason } from './run-end'
import { creatingRequestIdOf } from './creating-request-id'
import { workflowAnswerReader } from './workflows/answer-as-read'
import type { WorkflowRegistry } from './workflows/types'

export { RUN_RETURN_WARN_MS } from './run-end'

/** What the run manager needs from its engine. */
export interface RunManagerOptions {
  provider: JobProvider
  /** The same provider when it lets instances share jobs (leases, controls), else null. */
  shared: SharedProvider | null
  runs: Map<string, JobRun>
  runners: JobRunners
  now: () => number
  logger: Logger
  notifications: NotificationHub
  /** The engine's batching clock. */
  clock: BatchClock
  createContext: (run: JobRun, resumedFrom: JobState | null, resumedTextStarts?: RoundTextStarts) => RunContext
  /** This instance (the `job ended` lines name it). */
  instanceId: string
  onCommit: (run: JobRun, event: JobEvent) => void
  jobEnded: (job: JobRecord, state: JobState) => Promise<void>
  /** The workflows: an answer sent again is compared as its input node's schema reads it. */
  workflows?: Pick<WorkflowRegistry, 'get'>
}

/** The answer an abort gives every pending tool approval first, and who gave it (answer and stop). */
export interface ApprovalsAnswered {
  answer: unknown
  answeredBy: string
}

/** A run resumed on this instance after its owner was lost. */
export interface ResumedRun {
  state: JobState
  lease: JobLease
  /** When the lease was claimed (`performance.now()` before the claim was sent): it is counted from then. */
  leaseAskedAtMs?: number
  /**
   * When the job first started, on `performance.now()` (job-start.ts): its time limit counts from
   * there, so the run gets only what is left of it. @default the run's start (a fresh limit)
   */
  jobStartedAtMs?: number
  /** A chat continued: where each of its rounds began in the stored text (round-text.ts). */
  textStarts?: RoundTextStarts
  /** The job's controls stored before the takeover (`readControls`): acted on before the runner starts. */
  controls?: StoredJobControl[]
}

/** Creates the run manager of an engine. */
export function createRunManager(options: RunManagerOptions) {
  const { provider, shared, runs, now, logger, notifications } = options
  /** Answers sent while nobody owned a taken-over job, waiting for their questions (takeover-answers.ts). */
  const takeoverAnswers = new WeakMap<JobRun, TakeoverAnswers>()
  const endRun = createRunEnd({ logger, notifications, instanceId: options.instanceId })

  /**
   * Aborts a run; resolves once its end is stored and reported. With `approvals`, answer and stop:
   * each tool approval still pending is answered so first (in the log), in the same step as the
   * abort, so no model round starts on that answer (input-requests.ts `answerAndCancel`).
   */
  function abortRun(run: JobRun, reason: JobAbortedError, approvals?: ApprovalsAnswered): Promise<void> {
    if (run.ending) return run.ending
    run.trace.abort(reason.code)
    if (approvals) run.inputs.answerAndCancel('tool-approval', approvals.answer, approvals.answeredBy, reason)
    run.controller.abort(reason)
    run.inputs.cancelAll(reason)
    return endRun(run, outcomeOf(reason, run.controller.signal))
  }

  /**
   * Stops a run without writing its end: another instance owns the job now, or the store refused
   * its writes (it no longer has the job), or the run was handed off at shutdown — `reason` says which.
   * A hand-off is what a deploy does to every running job: logged as info, the others as warnings.
   * Counted in `runs_handed_off_total{cause}` on this instance, the one that lost the job.
   */
  function abandonRun(run: JobRun, reason: string, cause: HandOffCause, level: 'warn' | 'info' = 'warn') {
    if (run.abandoned) return
    logger[level](`stopping the local run without writing its end: ${reason}`, { jobId: run.record.id, reason })
    useMetrics().increment('runs_handed_off_total', { cause })
    run.abandoned = true
    settleEndStored(run, false)
    // No longer a job of this instance (jobs{status}), however long its code takes to return.
    useMetrics().forgetJob(run.record.id)
    run.trace.abandon(reason)
    run.controller.abort(new JobAbortedError('owner-lost', reason))
    run.inputs.cancelAll(run.controller.signal.reason)
    run.persist.close()
    run.live.close()
  }

  /**
   * Stops a run whose job the store no longer has (`abandonRun`), and tells the user's streams —
   * here and, through the provider, on other instances — with a `job-lost` (lost-job.ts): nobody
   * else knows whose job it was.
   */
  function loseRun(run: JobRun, reason: string, cause: HandOffCause) {
    if (run.abandoned) return
    abandonRun(run, reason, cause)
    announceLostJob(run, { notifications, provider, logger })
  }

  /** Acts on a control forwarded by another instance; the reply is what a local call would have answered. */
  async function handleControl(run: JobRun, control: StoredJobControl): Promise<ControlReply> {
    if (control.type === 'abort') {
      // An abort that answers the pending approvals first (the sender's `abortJob` with `denyApprovals`).
      await abortRun(run, new JobAbortedError('aborted', 'Aborted by the user'), control.answer === undefined ? undefined : { answer: control.answer, answeredBy: control.userId })
      return { ok: true }
    }
    // Sent while nobody owned the job, to a question the takeover voided: the question asked again takes it.
    const waiting = await takeoverAnswers.get(run)?.replyTo(control)
    if (waiting) return waiting
    // An answer sent again is compared as the input node's schema reads it (workflows/answer-as-read.ts).
    const readWorkflowAnswer = workflowAnswerReader(options.workflows, run.record.request)
    try {
      const { stored } = await answerAndStore(run, control.requestId, control.answer, control.userId, readWorkflowAnswer)
      return stored ? { ok: true } : { ok: true, stored: false }
    }
    catch (error) {
      // Taken and stored by the lost owner, which died before replying: the sender still waits.
      if (error instanceof InputConflictError && answeredByLostOwner(run, control.requestId, control.userId, control.answer, readWorkflowAnswer)) return { ok: true }
      // The sender answers the 5xx (replyOf) and logs nothing: the app's error is logged here, where it is known.
      if (error instanceof SchemaCheckFailedError) logger.error('an app schema check threw', { jobId: run.record.id, schema: error.schema, error: error.cause })
      throw error
    }
  }

  /**
   * Starts a run for a stored record. The runner's failure never escapes as a rejection. `trace`:
   * the span `createJob` started (a resumed run starts its own, linked to the first run's).
   * `created`, of a job created here: `leaseAskedAtMs`, `performance.now()` before the create that
   * took the lease was sent. The id of the request that created the job (its log lines carry it) is
   * read from its stored request, on a takeover too.
   */
  function startRun(record: JobRecord, config: BackgroundJobsConfig, resume?: ResumedRun, trace?: JobTrace, created?: { leaseAskedAtMs: number }) {
    // One run per job on this instance: a create answered after its lease ran out may find the job
    // taken over meanwhile by this instance's own recovery scan; that run goes on. The span the
    // create started (the first run, which the taken-over run links to) ends as handed off.
    if (runs.has(record.id)) {
      trace?.abandon('the job was taken over before its creation was answered')
      return
    }
    const timers = createTimerSet()
    const lease = resume?.lease ?? record.lease
    const writeLog = createFailureStreakLog({ logger, failed: 'provider write failed; will retry (not logged again until a write succeeds)', recovered: 'provider write succeeded again', fields: { jobId: record.id } })
    const persist = createPersistQueue({
      provider,
      jobId: record.id,
      timers,
      // One process: write at once. Shared store: batch writes (persist.intervalMs or the provider's pace, persist.bytes).
      intervalMs: shared ? writeIntervalMs(config.persist.intervalMs, shared) : 0,
      bytes: config.persist.bytes,
      mergeDeltas: Boolean(shared),
      epoch: lease?.epoch,
      // `not-found`: the store lost the job (no other owner will end it): the user is told.
      onRefused: reason => (reason === 'not-found' ? loseRun : abandonRun)(run, `write refused: ${reason}`, 'write-refused'),
      // Once per outage, not per retry (failure-streak-log.ts).
      onError: error => writeLog.failed(error),
      onRecovered: () => writeLog.succeeded(),
      // The store has not taken this job's events for a while: stop it rather than buffer without end.
      maxPendingBytes: config.persist.maxPendingBytes,
      onOverflow: bytes => void abortRun(run, new JobAbortedError('store-unreachable', `The job store did not take this job's events: ${bytes} bytes waited to be written, more than persist.maxPendingBytes (${config.persist.maxPendingBytes}); the job was stopped`)),
      // Its end decided, a write failing for a few lease periods while the store answers other calls is given up (stuck-end-write.ts).
      stuckEnd: { afterMs: STUCK_END_LEASE_PERIODS * config.lease.durationMs, storeAnswers },
      // Refused for good (store-refused.ts): not retried; the job ends failed, its end written alone (run-end.ts).
      onFailed: (error) => {
        // An end decided already is logged refused by run-end.ts, if the job does end so (the write given up may have landed).
        if (!run.ending) logStoreRefused(logger, record.id, error)
        void abortRun(run, storeRefusedReason())
      },
    })
    // Other tabs stop showing the question: an `input-answered` (with the job's status after the
    // answer) tells the open streams, and the hub drops its `input-request` from the replay backlog.
    const requestSettled = (requestId: string) => {
      notifications.notify(record.userId, { type: 'input-answered', jobId: record.id, threadId: record.threadId, status: run.live.state.status, title: record.title, requestId })
    }
    const run = createJobRun({
      record,
      config,
      state: resume?.state ?? createJobState({ id: record.id, type: record.type, createdAt: record.createdAt }),
      timers,
      clock: options.clock,
      persist,
      now,
      epoch: lease?.epoch ?? 1,
      ...(resume?.jobStartedAtMs === undefined ? {} : { jobStartedAtMs: resume.jobStartedAtMs }),
      onCommit: (event: JobEvent) => {
        // What the code of a run given up still makes is stored and sent nowhere: not counted either.
        if (run.abandoned) return
        run.trace.observe(event)
        options.onCommit(run, event)
      },
      onInputRequest: (requestId, prompt, request) => {
        notifications.notify(record.userId, {
          type: 'input-request', jobId: record.id, threadId: record.threadId, status: 'waiting', title: record.title, requestId, prompt, kind: request.kind,
        })
        takeoverAnswers.get(run)?.asked(requestId, request)
      },
      onInputSettled: requestSettled,
      abort: (target, reason) => void abortRun(target, reason),
      onShortened: (event, bytes) => logger.warn('an event too large for the job store was stored shortened', { jobId: record.id, type: event.type, bytes, maxBytes: persist.maxEventBytes }),
      trace: trace ?? startJobTrace(record, config, resume ? { resume: { fromSeq: resume.state.seq, lease: resume.lease } } : {}),
      requestId: creatingRequestIdOf(record.request),
    })
    runs.set(record.id, run)
    // Counted here, not from events: a run taken over mid-stream commits no `job-status` first.
    useMetrics().startRun(record.id, run.live.state.status)
    let hold: LeaseHold | null = null
    // A run that cannot follow its controls (the provider's subscription threw) could be neither
    // aborted nor answered from another instance: it ends failed before its runner starts, and
    // releases everything like any other end (a throw here left the job running with its slot held).
    let unfollowable: JobFailure | null = null
    if (shared && lease) {
      try {
        hold = holdLease(run, lease, { provider: shared, logger, onControl: handleControl, onLost: (lostRun, reason, gone) => (gone ? loseRun : abandonRun)(lostRun, reason, 'lease-lost'), askedAtMs: resume?.leaseAskedAtMs ?? created?.leaseAskedAtMs })
      }
      catch (error) {
        logger.error('could not follow the job\'s controls; the job fails', { jobId: record.id, error })
        unfollowable = new JobFailure('controls-unavailable', 'The job store could not deliver this job\'s controls (abort, answers) to the instance running it; the job was stopped', { failedDuring: 'engine' })
      }
    }
    const releaseLease = hold?.release ?? (() => {})
    if (hold) {
      run.confirmLease = hold.confirm
      run.leaseHolds = hold.holds
    }
    // Counted from the job's first start: a run taken over gets what is left (job-start.ts).
    // Naming the tools still running then: what held the job past its limit.
    const timeLimitReached = () => void abortRun(run, new JobAbortedError('timeout', timeLimitMessage(config, Boolean(resume), runningToolNames(run.live.state))))
    const timeLeftMs = run.timeLimitEndsAt - performance.now()
    if (timeLeftMs > 0) timers.timeout(timeLimitReached, timeLeftMs)
    // A resumed run: questions the lost owner asked are void (the runner asks again if needed).
    const voided = resume?.state.pendingInputs ?? []
    for (const pending of voided) {
      run.live.commit({ type: 'input-response', requestId: pending.requestId, answer: null, answeredAt: now(), answeredBy: VOIDED_BY_TAKEOVER })
    }
    if (run.live.state.status !== 'running') run.live.commit({ type: 'job-status', status: 'running' })
    // The user's streams here were told of those questions (this instance followed the job while
    // another ran it): they stop showing them, as for any question settled here.
    for (const pending of voided) requestSettled(pending.requestId)
    // Controls sent while nobody owned the job (an abort that must stop it before anything runs
    // again, answers to the questions just voided): acted on before the runner starts.
    if (resume?.controls && shared && hold) {
      const answers = createTakeoverAnswers({
        voided,
        controls: resume.controls,
        userId: record.userId,
        // A second control of the same answer is compared as the node reads it, as on every path (answer-as-read.ts).
        answer: (requestId, answer, answeredBy) => answerAndStore(run, requestId, answer, answeredBy, workflowAnswerReader(options.workflows, record.request))
          .then(({ stored }): ControlReply => stored ? { ok: true } : { ok: true, stored: false }, replyOf),
      })
      takeoverAnswers.set(run, answers)
      hold.catchUp(resume.controls)
      // Answers stored after the takeover's read and before the voids: read again once those are stored.
      answers.readAgain(async () => await run.persist.flush() === 'stored' ? await shared.readControls?.(record.id) ?? null : null)
    }
    // Past its time limit already (take-over.ts ends such a job before it gets here): its runner never starts.
    if (timeLeftMs <= 0) timeLimitReached()

    run.done = (async () => {
      let outcome: RunOutcome
      try {
        if (unfollowable) throw unfollowable
        // Built in here: one that throws (the app's `createModelClient`) fails the job like its runner would.
        const context = options.createContext(run, resume?.state ?? null, resume?.textStarts)
        // Aborted already (an abort stored before the takeover): nothing of the job runs again.
        if (!run.controller.signal.aborted) await run.trace.run(context.defaultModel, async () => {
          if (record.request.type === 'chat') await options.runners.chat(context, record.request)
          else if (options.runners.workflow) await options.runners.workflow(context, record.request)
          else throw new InvalidRequestError('Workflows are not available in this engine')
        })
        outcome = run.controller.signal.aborted ? outcomeOf(run.controller.signal.reason, run.controller.signal) : { status: 'completed' }
      }
      catch (error) {
        outcome = outcomeOf(error, run.controller.signal)
        // The job says only that it failed unexpectedly: the error itself goes to the log.
        if (!run.controller.signal.aborted && isUnexpectedError(error)) logger.error('job failed on an unexpected error', { jobId: record.id, error })
      }
      run.codeReturned = true
      if (run.heldWarnedSince !== null) logger.info('an ended job\'s code returned; its run is let go', { jobId: record.id, heldMs: Math.round(performance.now() - run.heldWarnedSince) })
      try {
        await endRun(run, outcome)
        if (run.live.ended && !run.abandoned) await options.jobEnded({ ...run.record, status: run.live.state.status, endedAt: run.live.state.endedAt, lastSeq: run.live.state.seq }, run.live.state)
      }
      catch (error) {
        logger.error('finishing a job failed', { jobId: record.id, error })
      }
      finally {
        // A run given up to another instance leaves them unreplied: the next owner reads them at its takeover.
        if (!run.abandoned) takeoverAnswers.get(run)?.end()
        // A provider's unsubscribe that throws must not keep the run registered (its slot, its timers).
        try {
          releaseLease()
        }
        catch (error) {
          logger.warn('could not stop following the job\'s controls', { jobId: record.id, error })
        }
        releaseRun(run)
        runs.delete(record.id)
        useMetrics().forgetJob(record.id)
      }
    })()
  }

  return { startRun, endRun, abortRun, abandonRun }
}

/** A run manager. */
export type RunManager = ReturnType<typeof createRunManager>
