/**
 * What a recovery scan (cluster.ts) does with a lapsed job once its lease is claimed: reads the
 * job's state and controls again (the lost owner's writes are fenced from the claim on), then
 * resumes it (a workflow, or a chat with `recovery.chat` = `continue`) or ends it (recovered-end.ts).
 */
import { isTerminalStatus } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState } from '../../shared/reducer'
import type { BackgroundJobsConfig } from './config'
import type { RoundTextStarts } from './executor/round-text'
import { roundTextStarts } from './executor/round-text'
import { traceField, workflowField } from './job-end-log'
import type { JobRun } from './job-run'
import type { Logger } from './logger'
import { useMetrics } from './metrics'
import type { JobLease, JobRecord } from './providers/types'
import { createRecoveredEnds } from './recovered-end'
import { timeLimitMessage } from './job-start'
import type { SharedProvider } from './run-lease'
import type { ResumedRun } from './run-manager'
import { checkStoredRequest } from './stored-request'
import { creatingRequestIdOf } from './creating-request-id'
import type { ToolRegistry } from './tools/types'
import type { WorkflowRegistry } from './workflows/types'

/** What a takeover needs from the engine. */
export interface TakeOverOptions {
  provider: SharedProvider
  logger: Logger
  now: () => number
  runs: Map<string, JobRun>
  startRun: (record: JobRecord, config: BackgroundJobsConfig, resume?: ResumedRun) => void
  tools: ToolRegistry
  workflows: WorkflowRegistry
  jobEnded?: (job: JobRecord, state: JobState) => Promise<void>
}

/** A lapsed job as the scan listed it, under the lease this instance claimed; `lostOwner`: the instance whose lease lapsed. */
export type TakenOver = JobRecord & { lease: JobLease, lostOwner?: string | null }

/** Creates the step of a recovery scan that follows a claim. */
export function createTakeOver(options: TakeOverOptions) {
  const { provider, logger } = options
  const { endRecovered, endLostChat } = createRecoveredEnds({ provider, logger, now: options.now, tools: options.tools, jobEnded: options.jobEnded })

  /**
   * Where each round of a continued chat began in its text (round-text.ts), from its stored log;
   * undefined when that cannot be read (the whole text is then the prefill, as before).
   */
  async function chatRoundStarts(record: JobRecord): Promise<RoundTextStarts | undefined> {
    const range = await provider.readEvents(record.id, 0).catch(() => null)
    if (!range?.complete) return undefined
    return roundTextStarts(createJobState({ id: record.id, type: record.type, createdAt: record.createdAt }), range.events)
  }

  /**
   * Resumes or ends `record`, whose lease this instance holds (`lease`, asked for at
   * `leaseAskedAtMs` on `performance.now()`; the job first started at `jobStartedAtMs` on that
   * clock, job-start.ts). Rejects with the store's error when a read or the end's write fails: the
   * lease is still this instance's then (the caller tries again).
   */
  return async function takeOver(listed: TakenOver, leaseAskedAtMs: number, config: BackgroundJobsConfig, jobStartedAtMs?: number): Promise<void> {
    const { lease } = listed
    const countTakeover = (outcome: 'resumed' | 'ended' | 'already-ended') => useMetrics().increment('lease_takeovers_total', { type: listed.type, outcome })
    // The scan lists lapsed jobs without their whole requests (`listExpiredLeases`): the job's is
    // read now that this instance holds it (its run and its end's hook get the record whole).
    const stored = await provider.get(listed.id)
    // Read after the claim: the lost owner's writes are fenced from now on, so this is final.
    const state = stored && await provider.getState(listed.id)
    if (!stored || !state || isTerminalStatus(state.status)) {
      countTakeover('already-ended')
      return
    }
    const record = { ...stored, lease }
    // Which instance lost the job and which has it now, on the takeover lines (an operator reads one instance's log).
    const owners = { instanceId: lease.instanceId, lostOwner: listed.lostOwner ?? null }
    // Controls sent while nobody owned the job: the run acts on them before it starts anything,
    // and a job that is only ended here ends `aborted` when its user aborted it meanwhile.
    const controls = await provider.readControls?.(record.id)
    const abortedMeanwhile = Boolean(controls?.some(control => control.type === 'abort' && control.userId === record.userId))
    if (record.type === 'workflow' || config.recovery.chat === 'continue') {
      // Past its time limit, counted from its first start (job-start.ts): ended as a lost owner's
      // job is (its unanswered calls counted `error`), nothing run again.
      if (jobStartedAtMs !== undefined && performance.now() - jobStartedAtMs >= config.limits.jobTimeoutMs) {
        if (await endRecovered(record, state, config, { code: 'timeout', message: timeLimitMessage(config, true) }, abortedMeanwhile, jobStartedAtMs, owners)) countTakeover('ended')
        return
      }
      // The request comes back from the shared store: it runs again only if a route would accept it.
      const check = checkStoredRequest(record.request, { config, tools: options.tools, workflows: options.workflows })
      if (!check.ok) {
        logger.warn('a recovered job\'s stored request is invalid; not running it', { jobId: record.id, error: check.error.message, requestId: creatingRequestIdOf(record.request) })
        // Counted once the end is stored: a write that failed leaves the job for the next scan.
        if (await endRecovered(record, state, config, check.error, abortedMeanwhile, jobStartedAtMs, owners)) countTakeover('ended')
        return
      }
      const textStarts = record.type === 'chat' ? await chatRoundStarts(record) : undefined
      options.startRun({ ...record, request: check.request }, config, { state, lease, leaseAskedAtMs, ...(jobStartedAtMs === undefined ? {} : { jobStartedAtMs }), ...(textStarts ? { textStarts } : {}), ...(controls ? { controls } : {}) })
      // No run when the engine was disposed meanwhile: its lease lapses to another instance, which counts the takeover.
      if (!options.runs.has(record.id)) return
      logger.info('resuming a job whose owner was lost', { jobId: record.id, type: record.type, ...workflowField(record.request), fromSeq: state.seq, ...owners, ...traceField(options.runs.get(record.id)?.trace.traceId) })
      countTakeover('resumed')
      return
    }
    // A last round the content filter ended: whether it wrote anything needs the rounds' starts (a log read, only then).
    const filtered = state.steps.findLast(step => !step.nodeId)?.finishReason === 'content_filter'
    const textStarts = filtered ? await chatRoundStarts(record) : undefined
    if (await endLostChat(record, state, config, abortedMeanwhile, textStarts, jobStartedAtMs, owners)) countTakeover('ended')
  }
}
