/**
 * Builds the RunContext of a run: what the runner may do (emit, ask, read state), wired to the
 * run's live log, input requests and metrics.
 */
import type { JobState } from '../../shared/reducer'
import type { RoundTextStarts } from './executor/round-text'
import type { JobRun } from './job-run'
import { addMetrics } from './job-run'
import { createLateMetrics } from './late-metrics'
import { countTokens } from './token-metrics'
import { whenEndStored } from './end-stored'
import type { ToolIsolation } from './isolation/tool-pool'
import type { ModelClient, ModelRequest } from './model/types'
import type { Logger } from './logger'
import type { JobRecord } from './providers/types'
import type { RunContext } from './run-context'
import type { ToolRegistry } from './tools/types'
import type { WorkflowRegistry } from './workflows/types'
import { SCRIPTED_MODEL } from './config'

/** What a run context is made from. */
export interface RunContextOptions {
  run: JobRun
  resumedFrom: JobState | null
  resumedTextStarts?: RoundTextStarts
  model: ModelClient
  tools: ToolRegistry
  isolation?: ToolIsolation
  workflows: WorkflowRegistry
  logger?: Logger
  /** The app's `upstream-request` hook (errors are contained by the caller). */
  /** False when the app's hook threw or did not settle in time: its changes are then not sent. */
  upstreamRequest: (context: { job: JobRecord, request: ModelRequest }) => Promise<boolean>
  /** Logs a tool's failure in a job, or counts it when that tool failed just before (repeated-failure-log.ts). */
  toolFailed?: (tool: string, jobId: string, log: () => void, error: unknown) => void
  /** Logs a tool's refusal (a `ToolError`) in a job, or counts it when that tool refused the same way just before. */
  toolRefused?: (tool: string, jobId: string, log: () => void, message: string) => void
}

/** Creates the context handed to a runner. */
export function createRunContext(options: RunContextOptions): RunContext {
  const { run, model } = options
  const config = run.config
  let firstTokenSeen = false
  const lateMetrics = createLateMetrics(run.record.id, options.logger)
  const markFirstToken = () => {
    // Not once its end is decided: the end carries the job's metrics (late-metrics.ts).
    if (firstTokenSeen || run.firstTokenBefore || run.ending) return
    firstTokenSeen = true
    // The wait its user had, as the job's duration: from the job's first start (a job taken over
    // before its first token counts its lost owner's time too), elapsed on the monotonic clock.
    run.metrics.first_token_ms = Math.round(performance.now() - run.jobStartedAt)
  }
  return {
    jobId: run.record.id,
    userId: run.record.userId,
    threadId: run.record.threadId,
    signal: run.controller.signal,
    config,
    model,
    tools: options.tools,
    ...(options.isolation ? { isolation: options.isolation } : {}),
    workflows: options.workflows,
    timers: run.timers,
    defaultModel: model.scripted ? SCRIPTED_MODEL : config.upstream.defaultModel,
    ...(options.logger ? { logger: options.logger } : {}),
    text(delta, nodeId) {
      markFirstToken()
      run.live.delta('text-delta', delta, nodeId)
    },
    reasoning(delta, nodeId) {
      markFirstToken()
      run.live.delta('reasoning-delta', delta, nodeId)
    },
    emit(event) {
      run.live.commit(event)
    },
    toolProgress(event) {
      run.live.progress(event)
    },
    // The pending text only: progress goes out when due (an event the runner emits next commits it first).
    state() {
      run.live.commitText()
      // The runners read it and let go before their next event (ids, text lengths): no copy kept.
      return run.live.peek()
    },
    textEnd(kind) {
      run.live.commitText()
      return run.live.textEnd(kind)
    },
    requestInput: request => run.inputs.request(request),
    confirmLease: () => run.confirmLease(),
    async prepareModelRequest(request) {
      // The hook gets its own copy: the documented `request.messages.unshift(system)` changed the
      // loop's conversation, so each round sent one more system message than the one before.
      const copy = () => ({ ...request, headers: { ...request.headers }, messages: structuredClone(request.messages), ...(request.body ? { body: structuredClone(request.body) } : {}) })
      const adjusted = copy()
      // A hook that threw or has not settled sends none of its changes (as chat-message-metadata):
      // not half of them (a model switched, its header not yet set), nor, from a hook still running
      // past its bound, changes made to the request while it is sent or retried.
      return await options.upstreamRequest({ job: run.record, request: adjusted }) ? adjusted : copy()
    },
    modelCalled(model) {
      // Once per model in a row: a long loop on one model adds nothing.
      if (run.modelsCalled.at(-1) !== model) run.modelsCalled.push(model)
    },
    addMetrics: (add) => {
      // The end, written at once as it is decided (an abort), carries the job's metrics: what comes
      // after it is not the job's (its log line, its span, model_tokens_total say what it stored).
      if (run.ending) return lateMetrics.add(add)
      addMetrics(run.metrics, add)
      if (add.tokens) countTokens(add.tokens)
    },
    afterEndStored: action => whenEndStored(run, action),
    ...(options.toolFailed ? { toolFailed: (tool: string, log: () => void, error: unknown) => options.toolFailed!(tool, run.record.id, log, error) } : {}),
    ...(options.toolRefused ? { toolRefused: (tool: string, log: () => void, message: string) => options.toolRefused!(tool, run.record.id, log, message) } : {}),
    afterStored: action => void run.persist.flush().then((outcome) => {
      if (outcome === 'stored') action()
    }),
    maxEventBytes: run.persist.maxEventBytes,
    jobAgeMs: () => performance.now() - run.jobStartedAt,
    resumedFrom: options.resumedFrom,
    ...(options.resumedTextStarts ? { resumedTextStarts: options.resumedTextStarts } : {}),
  }
}
