/**
 * The engine: create, run, abort, answer, get, list and view jobs. It owns every AbortController
 * and timer, enforces the concurrency limits, the job time limit and retention, and never lets a
 * job failure become an unhandled rejection. A provider stores; the engine decides.
 */
import { randomUUID } from 'node:crypto'
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createViewerHub } from './viewer-hub'
import { callAppHook, hookArgs } from './app-hook'
import { createCluster } from './cluster'
import type { BackgroundJobsConfig } from './config'
import type { CreateJobInput, EngineOptions, EngineStats, JobSummary } from './engine-types'
import { FeatureDisabledError, JobAbortedError, JobNotFoundError, ShuttingDownError } from './errors'
import { collectStats } from './engine-stats'
import { createInspector } from './inspector'
import type { JobRun } from './job-run'
import { releaseRun } from './job-run'
import { useMetrics } from './metrics'
import { createBatchClock } from './batch-clock'
import { createRunContext } from './create-run-context'
import { logToolFailure, logToolRefusal } from './tool-failure-log'
import type { RoundTextStarts } from './executor/round-text'
import { createRunManager } from './run-manager'
import { restrictTools } from './tools/restrict'
import { summarize } from './job-summary'
import { underLease } from './under-lease'
import { silentLogger } from './logger'
import { currentRequestId, detachedFromRequests, outsideRequests, withRequestIds } from './request-scope'
import { NotificationHub } from './notifications'
import { createEngineListing } from './engine-listing'
import { createEngineCleanup } from './engine-cleanup'
import { createEngineStreams } from './engine-streams'
import { createCleanupInterval } from './cleanup-interval'
import type { RateLimitKind } from './rate-limit'
import { limitRate, RATE_LIMITS, takeRetryCheck } from './rate-limit'
import { atStoredState, createJobAccess, runningHere } from './job-access'
import { createJobDeletion } from './job-deletion'
import { createThreadRename } from './thread-rename'
import type { DeleteThreadResult } from '../../shared/api-types'
import { isSharedProvider } from './run-lease'
import { createTimerSet, settleWithin } from './timers'
import { startJobTrace } from './telemetry/job-trace'
import { traceField, workflowField } from './job-end-log'
import { withoutActiveSpan } from './telemetry/trace-context'
import { createUserFeed } from './user-feed'
import type { AnswerOutcome } from './stored-answer'
import { createAnswerInput } from './answer-input'
import { viewedState } from './viewed-log'
import { assertSameRequest } from './idempotency'
import type { NewJob } from './store-creation'
import { storeCreation } from './store-creation'
import { withCreatingRequestId } from './creating-request-id'
import { createCreationAdmission } from './admit-creation'

export { CLEANUP_BATCH_SIZE } from './engine-cleanup'
/** How long `dispose` waits, once every run is stopped, for their code to return. */
export const RUN_RETURN_GRACE_MS = 5_000

/** Creates an engine. Call `dispose()` on shutdown. */
export function createEngine(options: EngineOptions) {
  const { getConfig } = options
  // Shared by every request, created lazily on a request's first call (the store's connections and
  // subscriptions, the tool workers, the engine's timers): in no request's scope (request-scope.ts).
  const provider = detachedFromRequests(options.provider)
  const isolation = options.isolation && detachedFromRequests(options.isolation)
  const now = options.now ?? Date.now
  // A line about a job run here names the request that created it, or none (request-scope.ts).
  const logger = options.logger ? withRequestIds(options.logger, jobId => runs.has(jobId) ? runs.get(jobId)!.requestId ?? null : undefined) : silentLogger
  const instanceId = options.instanceId || getConfig().instanceId || randomUUID()
  const runs = new Map<string, JobRun>()
  const engineTimers = detachedFromRequests(createTimerSet())
  // With a shared provider, the hub also follows a user's jobs on other instances while they listen.
  const notifications: NotificationHub = new NotificationHub(now, createUserFeed({
    provider, now, logger, timers: engineTimers,
    isLocal: id => runs.has(id),
    notify: (userId, notification) => notifications.notify(userId, notification),
    jobDeleted: (userId, jobId) => notifications.jobDeleted(userId, jobId),
    jobLost: (userId, jobId) => notifications.jobLost(userId, jobId),
    threadRenamed: (userId, threadId, title, renameId, jobId) => notifications.threadRenamed(userId, threadId, title, renameId, jobId),
    inputSettled: (userId, jobId, requests) => notifications.inputSettled(userId, jobId, requests),
  }), undefined, () => ensureCleanupTimer(getConfig()), logger)
  // Its timers are armed in the context it is created in: no request's (request-scope.ts).
  const batchClock = outsideRequests(() => createBatchClock({ onError: (error, target) => logger.error('committing a job\'s batched text failed', { jobId: target.jobId, error }) }))
  let disposed = false
  let disposing: Promise<void> | null = null
  // Creations being stored: `dispose` waits for them and the recovery scan (their runs stop with the others); then null: no run starts.
  let creating: Set<Promise<unknown>> | null = new Set()

  const viewers = createViewerHub({ provider, runs, timers: engineTimers, getConfig, notifications, logger })
  const shared = isSharedProvider(provider) ? provider : null

  /** Calls an app hook about job `jobId` (named in what it logs). False when it threw or did not settle in time. */
  async function callHook<K extends 'jobCreated' | 'jobEnded' | 'upstreamRequest'>(name: K, jobId: string, ...args: Parameters<NonNullable<NonNullable<EngineOptions['hooks']>[K]>>): Promise<boolean> {
    const hook = options.hooks?.[name] as ((...hookArgs: unknown[]) => unknown) | undefined
    // Nobody listening: no call, no 10 s bound (every job ends through here).
    if (!hook || options.hooks?.isListening?.(name) === false) return true
    return await callAppHook(name, () => hook(...hookArgs(name, args)), { logger, timers: engineTimers, jobId })
  }

  // Retention passes, armed lazily (cleanup-interval.ts); `cleanup` is defined below.
  const cleanupInterval = createCleanupInterval({ logger, timers: engineTimers, cleanup: () => cleanup(), disposed: () => disposed })
  const ensureCleanupTimer = cleanupInterval.ensure

  const createContext = (run: JobRun, resumedFrom: JobState | null, resumedTextStarts?: RoundTextStarts) => createRunContext({
    run,
    resumedFrom,
    resumedTextStarts,
    model: options.createModelClient(run.config, { timers: run.timers, timeLeftMs: () => run.timeLimitEndsAt - performance.now() }),
    // A chat request's `tools` and a workflow's (per-user flag) limit what the job can see and run.
    tools: restrictTools(options.tools, run.record.request.tools),
    isolation,
    workflows: options.workflows,
    logger,
    upstreamRequest: context => callHook('upstreamRequest', context.job.id, context),
    toolFailed: (tool, jobId, log, error) => logToolFailure({ tool, jobId, log, error, logger, timers: engineTimers }),
    toolRefused: (tool, jobId, log, message) => logToolRefusal({ tool, jobId, log, message, logger, timers: engineTimers }),
  })

  const { startRun, abortRun, abandonRun } = createRunManager({
    provider,
    shared,
    runs,
    runners: options.runners,
    now,
    logger,
    notifications,
    clock: batchClock,
    createContext,
    instanceId,
    onCommit: (run, event) => viewers.onCommit(run, event),
    jobEnded: async (job, state) => void await callHook('jobEnded', job.id, job, state),
    workflows: options.workflows,
  })
  // With a shared provider: remote controls and recovery of lost owners (it starts runs itself).
  // A run taken over from a lost owner notifies too: its instance prunes like one that created jobs.
  const startRecoveredRun: typeof startRun = (record, config, ...rest) => {
    if (!creating) return // claimed after dispose stopped waiting: its lease lapses to another instance
    ensureCleanupTimer(config)
    // Whatever started the scan or the takeover (a request's call among them): the run is no request's.
    outsideRequests(() => startRun(record, config, ...rest))
  }
  const cluster = shared ? createCluster({ provider: shared, instanceId, getConfig, now, logger, timers: engineTimers, runs, startRun: startRecoveredRun, tools: options.tools, workflows: options.workflows, jobEnded: async (job, state) => void await callHook('jobEnded', job.id, job, state) }) : null

  const { withLiveState, authorize, authorizeRead, authorizeWholeRead } = createJobAccess(provider, runs)
  const admitCreation = createCreationAdmission({ provider, now, logger, tools: options.tools, workflows: options.workflows })

  function assertEnabled(config: BackgroundJobsConfig) {
    if (!config.enabled) throw new FeatureDisabledError('enabled')
  }

  /** Counts one request of the user against its per-minute limit, in the store (all instances). */
  async function limitRateOf(userId: string, kind: RateLimitKind): Promise<void> {
    const { limits } = getConfig()
    await limitRate(provider, kind, userId, limits[RATE_LIMITS[kind].setting])
  }

  async function createJob(userId: string, input: CreateJobInput): Promise<{ job: JobSummary, created: boolean }> {
    const config = getConfig()
    assertEnabled(config)
    if (disposed) throw new ShuttingDownError()
    // Stored with the id of the request that creates it: a takeover's run names it too.
    const requestId = currentRequestId()
    const request = withCreatingRequestId(input.request, requestId)
    // Non-null: only the Idempotency-Key's job may be answered (storeCreation's `refusal`).
    const refusal = await admitCreation(userId, input, config)
    const createdAt = now()
    // The store counts the lease from when it takes the insert: so does the run, not from the reply.
    const leaseAskedAtMs = performance.now()
    const id = randomUUID()
    const lease = shared ? { instanceId, epoch: 1, expiresAt: createdAt + config.lease.durationMs } : null
    // Started before the record is stored, so its span context is stored with it (request.trace).
    const trace = startJobTrace({ id, userId, type: request.type, request, lease }, config, { startTime: createdAt, traceparent: input.traceparent })
    // A finished job evicted to make room (memory's cap) is told to its user's streams as retention tells one.
    const onEvicted: NewJob['onEvicted'] = job => void notifications.jobExpired(job.userId, job.id, job.threadId, now() - config.limits.retentionMs)
    const creation = storeCreation(provider, { id, userId, input, request, trace, createdAt, lease, config, refusal, onEvicted })
    creating?.add(creation)
    const { record, created } = await creation.finally(() => creating?.delete(creation))
    // A repeated Idempotency-Key (or a limit reached): the span is dropped unended (never exported).
    if (!created) assertSameRequest(record, input)
    if (!created) return { job: summarize(await authorize(userId, record.id)), created: false }
    if (!creating) {
      // Stored, but never run here: its lease lapses to another instance, whose run links to this span.
      trace.abandon('the server shut down before the job\'s creation was answered')
      throw new ShuttingDownError()
    }
    ensureCleanupTimer(config)
    // Told before the run starts: a run that asks at once notifies its input-request from startRun.
    notifications.notify(userId, { type: 'job-created', jobId: record.id, threadId: record.threadId, status: 'queued', title: record.title })
    // The run's timers (lease heartbeat, time limit, writes) outlive this request: none in its trace,
    // nor in its scope — what the run creates first (a tool worker) serves other jobs (request-scope.ts).
    outsideRequests(() => withoutActiveSpan(() => startRun(record, config, undefined, trace, { leaseAskedAtMs })))
    logger.info('job created', { jobId: record.id, type: record.type, ...workflowField(record.request), instanceId, ...traceField(trace.traceId) })
    await callHook('jobCreated', record.id, record)
    return { job: summarize(record), created: true }
  }

  /**
   * Aborts a job of the user (idempotent; partial content kept). `denyApprovals`: answer and stop —
   * every tool approval still pending is answered "not approved" with this reason (by `userId`, in
   * the log) in the same step as the abort, on whichever instance runs the job: no model round
   * starts on those answers, and the job ends `aborted`.
   */
  async function abortJob(userId: string, jobId: string, abortOptions: { denyApprovals?: string } = {}): Promise<JobSummary> {
    assertEnabled(getConfig())
    const answer = abortOptions.denyApprovals === undefined ? undefined : { approved: false, reason: abortOptions.denyApprovals }
    // The owner acts on its own job's abort while its lease surely holds, also while the store is
    // down (local-read.ts); the answer still waits for the aborted end to be stored.
    const record = await authorizeRead(userId, jobId)
    // An owner back from away past its lease may have lost the job unawares (its end refused, the abort
    // lost): it asks the store first, as for a forwarded control; lost, the abort goes to the owner now.
    await runningHere(runs, jobId)?.confirmLease()?.catch(() => undefined)
    const run = runningHere(runs, jobId)
    if (run) await abortRun(run, new JobAbortedError('aborted', 'Aborted by the user'), answer === undefined ? undefined : { answer, answeredBy: userId })
    // A run whose aborted end the store refused (another instance owns the job now) leaves the abort to that owner.
    if ((!run || run.abandoned) && cluster && !isTerminalStatus(record.status)) await cluster.abortRemote(record, answer)
    return summarize(await authorize(userId, jobId))
  }

  const deletion = createJobDeletion({ provider, notifications, logger, authorize, limitRate: userId => limitRateOf(userId, 'delete') })

  /**
   * Deletes a job of the user that has ended (409 while it is going; job-deletion.ts). Followers on
   * other instances learn it is gone through the provider's subscription, as after retention.
   */
  async function deleteJob(userId: string, jobId: string): Promise<void> {
    assertEnabled(getConfig())
    await deletion.deleteJob(userId, jobId)
  }

  /** Deletes every ended job of the user's thread as one request (job-deletion.ts). */
  async function deleteThread(userId: string, threadId: string): Promise<DeleteThreadResult> {
    assertEnabled(getConfig())
    return await deletion.deleteThread(userId, threadId)
  }

  const answerWith = createAnswerInput({ provider, runs, cluster, authorize, workflows: options.workflows, mayReadForRetry: userId => takeRetryCheck(provider, userId, getConfig().limits.inputPerMinute) })
  /** Answers an input request; resolves once the answer is stored; `refusal` answers only a retry (answer-input.ts). */
  async function answerInput(userId: string, jobId: string, answer: { requestId: string, answer: unknown }, refusal?: Error): Promise<AnswerOutcome> {
    assertEnabled(getConfig())
    return await answerWith(userId, jobId, answer, refusal)
  }

  /** The job and its state as viewers see it (`GET /api/jobs/:id`; without the engine's own fields, viewed-log.ts). */
  async function getJob(userId: string, jobId: string) {
    assertEnabled(getConfig())
    const record = await authorizeRead(userId, jobId)
    const run = runningHere(runs, jobId)
    if (run) {
      // The pending text is committed first, and the summary laid over again after it: its
      // `lastSeq` and `updatedAt` are those of the state it is answered with.
      run.live.flushForRead()
      return { job: summarize(withLiveState(record)), state: viewedState(run.live.state) }
    }
    const state = await provider.getState(jobId)
    if (!state) throw new JobNotFoundError(jobId)
    // Taken over and nothing of the new owner's stored yet: the epoch its stream snapshots carry.
    return { job: summarize(atStoredState(record, state)), state: viewedState(underLease(record, state)) }
  }

  const { listJobs, listJobRecords, listJobPage, listThreads, listLocalJobs } = createEngineListing({ provider, runs, withLiveState, assertEnabled: () => assertEnabled(getConfig()) })
  const { renameThread } = createThreadRename({ provider, notifications, limitRate: userId => limitRateOf(userId, 'rename'), assertEnabled: () => assertEnabled(getConfig()) })

  const { probeStream, assertStreamsServed, attachViewer, attachNotifications } = createEngineStreams({ getConfig, assertEnabled, disposed: () => disposed, authorizeRead, viewers, notifications, ensureCleanupTimer })

  /** Deletes jobs past retention (the engine's cleanup interval calls this; engine-cleanup.ts). */
  const cleanup = createEngineCleanup({ provider, getConfig, now, notifications, disposed: () => disposed })

  function stats(): EngineStats {
    return collectStats({ runs, viewers, notifications, engineTimers, isolation })
  }

  /**
   * Stops accepting jobs and ends the running ones: `failed` (code `shutdown`) with their partial
   * content. With a shared store, workflows — and chats when `recovery.chat` is `continue`, or every
   * job with `handOff` — are handed off instead: written up to date, lease released, so another
   * instance takes them over at once. Run once by `dispose`: a second call settles with the first.
   */
  async function shutDown(disposeOptions: { handOff?: boolean } = {}): Promise<void> {
    disposed = true
    const config = getConfig()
    // The others stop counting this instance in their shares of lapsed jobs (those it hands off too).
    const leaving = options.leaveOnDispose === false ? undefined : cluster?.leave()
    // A store that stays down cannot hold the shutdown: one lease period in all, for every job at
    // once, then pending writes are given up (the job's lease expires and another instance ends it).
    const giveUpAt = now() + config.lease.durationMs
    await settleWithin(engineTimers, Promise.allSettled([...creating ?? [], cluster?.stop()]), giveUpAt - now())
    creating = null
    const handOffs: Promise<void>[] = []
    for (const run of runs.values()) {
      // Its end is decided and being stored: it ends as usual (reported once stored), not handed off.
      if (run.ending) continue
      const handOff = disposeOptions.handOff || run.record.type === 'workflow' || config.recovery.chat === 'continue'
      if (shared && run.record.lease && handOff) {
        const lease = run.record.lease
        run.live.flush()
        handOffs.push(settleWithin(engineTimers, run.persist.flush(), giveUpAt - now()).then(async () => {
          // Its code returned meanwhile (the write it waited for let it go on): its end is stored and reported as usual.
          if (run.ending) return
          abandonRun(run, 'handed off at shutdown', 'shutdown', 'info')
          await settleWithin(engineTimers, shared.heartbeatLease(run.record.id, lease, 0).catch(() => false), giveUpAt - now())
        }))
        continue
      }
      void abortRun(run, new JobAbortedError('shutdown', 'The server shut down while the job was running'))
    }
    await Promise.all(handOffs)
    if (leaving) await settleWithin(engineTimers, leaving, giveUpAt - now())
    await settleWithin(engineTimers, Promise.allSettled([...runs.values()].map(run => run.done)), giveUpAt - now())
    for (const run of runs.values()) run.persist.close()
    // Every run was aborted or handed off. Code that still does not return (an unbounded wait in
    // app code that ignores its signal) must not hold the shutdown for ever.
    await settleWithin(engineTimers, Promise.allSettled([...runs.values()].map(run => run.done)), RUN_RETURN_GRACE_MS)
    if (runs.size > 0) logger.error('shut down with jobs whose code had not returned after they were stopped', { jobIds: [...runs.keys()], waitedMs: RUN_RETURN_GRACE_MS })
    // Their timers (the lease heartbeat among them) must not act on the disposed provider. They are
    // no runs of this engine any more (stats, the process-wide jobs{status}), whenever their code returns.
    for (const run of runs.values()) {
      releaseRun(run)
      useMetrics().forgetJob(run.record.id)
    }
    runs.clear()
    await isolation?.dispose()
    viewers.closeAll()
    notifications.closeAll()
    cluster?.cancelForwards() // controls waiting for a remote owner: their time limits are cleared next
    engineTimers.clearAll()
    batchClock.dispose()
    cleanupInterval.forget()
    await provider.dispose?.()
  }

  // A disabled instance (`enabled: false`, the operator's kill switch) runs no job at all: no
  // recovery scan (it takes over no job another instance lost or handed off) and no instance
  // heartbeat (the others do not count it in their shares of those jobs).
  if (getConfig().enabled) cluster?.start()

  return {
    instanceId,
    /** Takes over jobs of lost instances now (also runs every `lease.heartbeatMs`). */
    // The scan is shared (a later call joins it): no request's, whoever asked first.
    recover: async () => await outsideRequests(() => cluster?.recover()) ?? 0,
    provider,
    createJob,
    getJob,
    /** A job's whole record (with its request), for the app's hooks; routes answer with `getJob`'s summary. */
    getJobRecord: authorizeWholeRead,
    listJobs,
    listJobRecords,
    listJobPage,
    listThreads,
    listLocalJobs,
    probeStream,
    assertStreamsServed,
    abortJob,
    deleteJob,
    deleteThread,
    renameThread,
    answerInput,
    attachViewer,
    attachNotifications,
    limitRate: limitRateOf,
    cleanup,
    stats,
    dispose: (disposeOptions?: { handOff?: boolean }): Promise<void> => disposing ??= shutDown(disposeOptions),
    /** Settles when the run of a job on this instance has finished (tests, shutdown). */
    whenSettled: (jobId: string) => runs.get(jobId)?.done ?? Promise.resolve(),
    getConfig,
    /** The app's hooks (the chat routes call `chatMessageMetadata` themselves, bounded on `hookTimers`). */
    hooks: options.hooks ?? {},
    hookTimers: engineTimers,
    tools: options.tools,
    /** Tool isolation (the catalog asks which isolated tools no worker can run here). */
    isolation,
    workflows: options.workflows,
    /** Every user's jobs on this instance, for developer tools and tests: never route it unguarded. */
    inspector: createInspector({ runs, provider, now }),
  }
}

/** An engine. */
export type BackgroundJobsEngine = ReturnType<typeof createEngine>
