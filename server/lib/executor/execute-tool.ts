/**
 * Runs one tool call the model asked for and records it: a `tool-call` event, the approval flow
 * when the tool needs one (a `runtime: 'client'` tool's: the wait for the browser's output), then a
 * `tool-result` event. Every tool fault (unknown tool, bad arguments, a throw, a timeout, a denial,
 * a client tool's error or missing output) becomes a result the model reads —
 * this never throws for those. It rejects only when the job itself ends (abort, or an approval
 * request whose `onTimeout` fails the job), so the loop stops promptly.
 */
import type { ToolResultStatus } from '../../../shared/events'
import type { RunContext } from '../run-context'
import type { ToolDefinition } from '../tools/types'
import { approvalArguments } from './approval-arguments'
import { approvedArguments } from './approved-arguments'
import { argumentsAsJson, decodeArguments, parseToolArguments } from './parse-tool-args'
import { resolveToolNames } from './resolve-tools'
import { disabledToolNames } from '../config'
import { JobAbortedError } from '../errors'
import { IsolationQueueTimeoutError, LeftoverBlockedStartError, LeftoverBlockedTimeoutError, ToolArgumentsCheckTimeoutError, ToolFileLoadTimeoutError } from '../isolation/errors'
import type { IsolatedArgumentsCheck, IsolatedCallStage } from '../isolation/protocol'
import type { CancelStart } from './run-with-deadline'
import { runWithDeadline } from './run-with-deadline'
import { startIsolationWait } from './isolation-wait'
import { callNeedsApproval, requestApproval } from './tool-approval'
import { readClientOutput, requestClientOutput } from './client-tool-output'
import type { ApprovalDecision } from './tool-approval'
import type { CallProgress } from './call-progress'
import { callProgress } from './call-progress'
import {
  isNetworkError,
  isToolCallError,
  NoSuchToolError,
  ToolCallError,
  ToolDeniedError,
  ToolExecutionError,
  ToolNotRunError,
  ToolTimeoutError,
  ToolTurnedOffError,
} from './tool-errors'
import type { ToolResultJson } from './tool-result-json'
import { toolResultFromJson, toolResultJson } from './tool-result-json'
import { shownToolError } from './shown-tool-error'
import { countStoredToolResult, countToolResult } from './tool-metrics'
import { isToolRefusal, logToolCallFailure, REFUSED_STATUS } from './tool-failure-lines'
import { useMetrics } from '../metrics'
import { isolatedArgumentsCheck, runsIsolated, toolAttempt } from './tool-runner'
import { summarizeResult } from './truncate-results'
import { runAsToolCodeSync } from '../tools/stray-errors'
import { utf8ByteLength } from '../bytes'

/** One call to run. */
export interface ToolCallRequest {
  id: string
  name: string
  /** An object, or the raw JSON text the model sent. */
  args: unknown
  /** The model round (1-based) that asked for it. */
  step: number
  nodeId?: string
  /**
   * A workflow tool node's call run again after a takeover: when its approval was first asked (the
   * job's age then). Asked again, it expires when it first would have (workflows/asked-before.ts).
   */
  askedAtJobMs?: number
  /** A workflow tool node's call run again after a takeover: the person's decision on its approval, given before (not asked again). */
  decidedBefore?: ApprovalDecision
  /** The names offered in this job; other names are refused. @default every enabled tool */
  offeredTools?: readonly string[]
}

/** A call's arguments: parsed by the tool's schema, and as the model sent them (decoded JSON). */
interface ParsedArguments {
  args: unknown
  raw: unknown
}

/** How a call ended. `content` is what the model reads in the tool message. */
export interface ToolCallOutcome {
  id: string
  name: string
  status: ToolResultStatus
  result?: unknown
  /** A result too large to be used whole (`ToolResultJson.cutBytes`): the first bytes of its JSON, and its size; `result` is null. */
  cut?: { json: string, bytes: number }
  error?: string
  /** The tool refused the call with a `ToolError` (status `error`): not a fault (tool-failure-lines.ts). */
  refused?: true
  durationMs: number
}

/** The tool message content for an outcome: the result as JSON (only its first bytes when `cut`), or `{ "error": … }`. */
export function toolMessageContent(outcome: ToolCallOutcome): string {
  if (outcome.status === 'completed') return outcome.cut ? outcome.cut.json : JSON.stringify(outcome.result ?? null)
  return JSON.stringify({ error: outcome.error ?? `tool ${outcome.status}` })
}

/** The whole size in UTF-8 bytes of an outcome's `content` (toolMessageContent), also when it was cut. */
export function toolMessageBytes(outcome: ToolCallOutcome, content: string): number {
  return outcome.cut?.bytes ?? utf8ByteLength(content)
}

/**
 * Whether the server's thread parses the arguments with the tool's schema. An isolated tool's
 * worker parses them itself, so a schema that spins on model-chosen input (a regex, a refine) is
 * stopped at the tool's time limit there (also before an approval: isolatedArgumentsCheck); the
 * server parses them only for a `needsApproval` function, which runs here and takes the parsed value.
 */
function parsesOnServer(tool: ToolDefinition, context: RunContext): boolean {
  return !runsIsolated(tool, context.config) || typeof tool.needsApproval === 'function'
}

/**
 * Runs `run` within the tool's time limit: its value, or the call's error (an abort ends the job).
 * An isolated call's limit starts when a worker starts it; its wait for one is bounded on its own
 * (`isolation.queueTimeoutMs`), and a call no worker started in time was not run. A limit that
 * passes while its worker still loads the tool's file (its import hangs) or checks the arguments
 * (the schema spins) is not the tool's: it never ran, and the error says so.
 */
async function withinTimeLimit<T>(context: RunContext, tool: ToolDefinition, timeoutMs: number, run: IsolatedRun<T>): Promise<T> {
  const waitMs = runsIsolated(tool, context.config) ? context.config.isolation.queueTimeoutMs : undefined
  // The last attempt's (a retry is a new one), told by its pool; absent in-process.
  const attempt: { stage?: () => IsolatedCallStage, leftover?: () => string | null } = {}
  const wait = waitMs === undefined ? null : startIsolationWait(tool.name)
  const outcome = await runWithDeadline((signal, started, onWaiting) => run(signal, () => {
    wait?.started()
    started()
  }, (cancel, stage, leftover) => {
    attempt.stage = stage
    attempt.leftover = leftover
    onWaiting(cancel, () => stage?.() === 'answered')
  }), { jobSignal: context.signal, timeoutMs, timers: context.timers, ...(waitMs === undefined ? {} : { waitMs }) })
  wait?.ended(outcome)
  if (outcome.kind === 'aborted') throw outcome.reason
  if (outcome.kind === 'not-started') {
    useMetrics().increment('isolated_calls_not_run_total', { reason: 'queue-timeout' })
    throw new IsolationQueueTimeoutError(tool.name, waitMs!)
  }
  const stage = outcome.kind === 'timeout' ? attempt.stage?.() : undefined
  // An earlier call's leftover blocks the worker: whatever stage the call was in, it is to blame
  // (before `execute` was called, the call was not run).
  const leftoverOf = outcome.kind === 'timeout' ? attempt.leftover?.() : null
  if (leftoverOf) throw stage === 'loading' || stage === 'checking' ? new LeftoverBlockedStartError(tool.name, timeoutMs, leftoverOf) : new LeftoverBlockedTimeoutError(tool.name, timeoutMs, leftoverOf)
  if (stage === 'loading') throw new ToolFileLoadTimeoutError(tool.name, timeoutMs)
  if (stage === 'checking') throw new ToolArgumentsCheckTimeoutError(tool.name, timeoutMs)
  if (outcome.kind === 'timeout') throw new ToolTimeoutError(tool.name, timeoutMs)
  if (outcome.kind === 'failed') throw isToolCallError(outcome.error) ? outcome.error : new ToolExecutionError(tool.name, outcome.error)
  return outcome.value
}

/**
 * When a call's run started (`performance.now()`; null before: an approval's wait), and whether an
 * isolated call still waits in its queue (its run starts when a worker takes it).
 */
interface CallTiming {
  startedAt: number | null
  queued: boolean
}

/** A guarded run whose isolated attempts also tell where their worker is in the call (tool-runner.ts). */
type IsolatedRun<T> = (signal: AbortSignal, started: () => void, onWaiting: (cancel: CancelStart, stage?: () => IsolatedCallStage, leftover?: () => string | null) => void) => Promise<T>

/** Runs the tool: approval, deadline, one retry on a network error for `retryable` tools. */
async function invoke(context: RunContext, tool: ToolDefinition, call: ToolCallRequest, parsed: ParsedArguments, timing: CallTiming, progress: CallProgress): Promise<ToolResultJson> {
  const toolContext = { userId: context.userId, jobId: context.jobId, threadId: context.threadId, step: call.step }
  const timeoutMs = tool.timeoutMs ?? context.config.limits.toolTimeoutMs
  // An isolated call a human approved runs on the value approved (approved-arguments.ts).
  let approvedArgs: { value: unknown } | undefined
  if (await callNeedsApproval(tool, parsed.args, toolContext, { jobSignal: context.signal, timeoutMs, timers: context.timers })) {
    // What `execute` will get (defaults, transforms), as JSON and bounded (approval-arguments.ts).
    // An isolated tool's worker checks them (its schema never runs here): refused, nobody is asked.
    let shown: unknown
    if (parsed.args !== undefined) {
      shown = approvalArguments(parsed.args, parsed.raw)
      approvedArgs = approvedArguments(parsed.args)
    }
    else {
      const checked = (await withinTimeLimit(context, tool, timeoutMs, isolatedArgumentsCheck(context, { tool, rawArgs: parsed.raw, context: toolContext, timeoutMs }))).result as IsolatedArgumentsCheck
      shown = checked.shown
      approvedArgs = checked.exact
    }
    const decision = call.decidedBefore ?? await requestApproval(context, { id: call.id, tool: tool.name, args: shown, nodeId: call.nodeId, askedAtJobMs: call.askedAtJobMs })
    if (!decision.approved) throw new ToolDeniedError(tool.name, decision.reason)
  }
  // An owner back from a pause past its lease (frozen, cut off) runs no tool before the store
  // confirms the lease: another instance may own the job now. Rejects (the job's end) when lost.
  const confirming = context.confirmLease?.()
  if (confirming) await confirming
  // Time spent waiting for a human is not tool execution time, nor, isolated, for a worker.
  timing.startedAt = performance.now()
  timing.queued = runsIsolated(tool, context.config)
  // A workflow's tool node names its tool (no offer) and uses its value; a model reads only part of it.
  const attempt = toolAttempt(context, { tool, args: parsed.args, rawArgs: parsed.raw, context: toolContext, timeoutMs, approvedArgs, forNode: !call.offeredTools, progress })
  return await withinTimeLimit(context, tool, timeoutMs, async (signal, started, onWaiting) => {
    // An isolated call's run (and `durationMs`) starts when a worker takes it from the queue.
    let begun = false
    const start = () => {
      if (!begun) timing.startedAt = performance.now()
      begun = true
      timing.queued = false
      started()
    }
    try {
      return await attempt(signal, start, onWaiting)
    }
    catch (error) {
      if (!tool.retryable || signal.aborted || !isNetworkError(error)) throw error
      return await attempt(signal, start, onWaiting)
    }
  })
}

/** A client tool's call: its output from the browser, as its outputSchema reads it, as JSON like any tool's result (its error, none in time, or one its schema refuses, is thrown). */
async function clientRun(context: RunContext, tool: ToolDefinition, call: ToolCallRequest, args: unknown): Promise<ToolResultJson> {
  const output = await requestClientOutput(context, { id: call.id, tool: tool.name, args, ...(call.nodeId ? { nodeId: call.nodeId } : {}) })
  // Checked with its outputSchema (decision 51): the schema is the tool's own code, run as its call's.
  return toolResultFromJson(toolResultJson(tool.name, runAsToolCodeSync(tool.name, context.jobId, () => readClientOutput(tool, output))))
}

/** Which switch holds back a registered tool a tool node names: the operator's, else the user's flag. */
function turnedOffBy(config: RunContext['config'], name: string): 'tools.disabled' | 'tools.enabled is false' | 'user flag' {
  if (!config.tools.enabled) return 'tools.enabled is false'
  return disabledToolNames(config).has(name) ? 'tools.disabled' : 'user flag'
}

/** Whether the job's abort says another instance owns the job now (`owner-lost`). */
function isOwnerLost(reason: unknown): boolean {
  return reason instanceof JobAbortedError && reason.code === 'owner-lost'
}

/** Runs one call; see the file comment. */
export async function executeToolCall(context: RunContext, call: ToolCallRequest): Promise<ToolCallOutcome> {
  const decoded = decodeArguments(call.args)
  const eventArgs = decoded.ok ? decoded.value : decoded.raw
  context.emit({ type: 'tool-call', id: call.id, name: call.name, args: eventArgs, step: call.step, ...(call.nodeId ? { nodeId: call.nodeId } : {}) })
  // Counted as it starts: the call was made (and billed) whatever its end — one the job's end cuts
  // off too, whose end is written at once from the metrics of that moment (a takeover counts the
  // stored `tool-call` events the same way: job-run.ts metricsSoFar).
  context.addMetrics({ tool_call_count: 1 })

  const timing: CallTiming = { startedAt: null, queued: false }
  // Elapsed time, on the monotonic clock: a wall-clock step during the call changes nothing.
  const durationMs = () => (timing.startedAt === null ? 0 : Math.round(performance.now() - timing.startedAt))
  // Its execution time counts once: as it ends, or — cut off by the end of its job or node — the
  // time it ran, as the abort comes (before the job's end is written).
  let timeCounted = false
  const countTime = (ms: number) => {
    if (timeCounted) return
    timeCounted = true
    context.addMetrics({ tool_execution_time_ms: ms })
  }
  const countCutOffTime = () => countTime(timing.queued ? 0 : durationMs())
  context.signal.addEventListener('abort', countCutOffTime, { once: true })
  try {
    return await runToolCall(context, call, eventArgs, timing, durationMs, countTime)
  }
  finally {
    context.signal.removeEventListener('abort', countCutOffTime)
  }
}

/** The call once its `tool-call` is out: runs it, emits its `tool-result`, counts its outcome. */
async function runToolCall(context: RunContext, call: ToolCallRequest, eventArgs: unknown, timing: CallTiming, durationMs: () => number, countTime: (ms: number) => void): Promise<ToolCallOutcome> {
  let outcome: ToolCallOutcome
  try {
    const offered = call.offeredTools ?? resolveToolNames(context.tools, context.config)
    const tool = offered.includes(call.name) ? context.tools.get(call.name) : undefined
    // A workflow tool node names its tool (no offer): a registered one is missing only when turned
    // off, by the operator or (a job created with no tools) for this user.
    if (!tool && !call.offeredTools && (context.tools.get(call.name) || context.tools.withheld?.(call.name))) throw new ToolTurnedOffError(call.name, turnedOffBy(context.config, call.name))
    if (!tool) throw new NoSuchToolError(call.name, offered)
    // An isolated tool's worker gets JSON (a model's arguments are; a workflow tool node's object may not be).
    const raw = runsIsolated(tool, context.config) && typeof call.args !== 'string' ? argumentsAsJson(tool.name, eventArgs) : eventArgs
    // The schema is the tool's own code: run as code of its call (stray-errors.ts).
    const parse = () => parseToolArguments(tool.name, tool.parameters, runsIsolated(tool, context.config) ? raw : call.args)
    const parsed = { args: parsesOnServer(tool, context) || tool.runtime === 'client' ? runAsToolCodeSync(tool.name, context.jobId, parse) : undefined, raw }
    // Updates after the call returned (its result, error or time limit) are ignored.
    const progress = callProgress(context, call)
    // The browser runs a client tool: the job waits for its output (client-tool-output.ts).
    const ran = tool.runtime === 'client'
      ? await clientRun(context, tool, call, parsed.args).finally(progress.close)
      : await invoke(context, tool, call, parsed, timing, progress).finally(progress.close)
    const cut = ran.cutBytes === undefined ? undefined : { json: ran.json, bytes: ran.cutBytes }
    outcome = { id: call.id, name: call.name, status: 'completed', result: ran.result, ...(cut ? { cut } : {}), durationMs: durationMs() }
    context.emit({ type: 'tool-result', id: call.id, status: 'completed', result: summarizeResult(ran.result, ran.json, undefined, cut?.bytes), durationMs: outcome.durationMs, ...(call.nodeId ? { nodeId: call.nodeId } : {}) })
  }
  catch (error) {
    // Anything that is not a tool fault (abort, a failed approval request) ends the job.
    if (context.signal.aborted) {
      // Cut off by the end of its job or node (a time limit, a shutdown, an abort): `stopped`, once
      // the job's end is stored. A run that lost the job (handed off, taken over, its end refused)
      // leaves the call to the new owner to count.
      if (!isOwnerLost(context.signal.reason)) {
        const count = () => countToolResult(context.tools, call.name, 'stopped')
        if (context.afterEndStored) context.afterEndStored(count)
        else count()
      }
      throw context.signal.reason
    }
    if (!isToolCallError(error)) throw error
    logToolCallFailure(context, call, error)
    // Refused before the tool's code ran (an isolation worker's checks): no execution to time.
    if (error instanceof ToolNotRunError) timing.startedAt = null
    // A tool's own fault reads only `Tool "x" failed` unless it threw a ToolError (shown-tool-error.ts).
    const shown = shownToolError(error, context.config)
    // A ToolError the tool threw: counted `refused`, not `error`, and its span is no error (tool-failure-lines.ts).
    outcome = { id: call.id, name: call.name, status: error.status, error: shown, ...(isToolRefusal(error) ? { refused: true as const } : {}), durationMs: durationMs() }
    context.emit({ type: 'tool-result', id: call.id, status: error.status, error: shown, durationMs: outcome.durationMs, ...(call.nodeId ? { nodeId: call.nodeId } : {}) })
  }
  countStoredToolResult(context, call.name, outcome.refused ? REFUSED_STATUS : outcome.status, timing.startedAt === null ? null : outcome.durationMs)
  countTime(outcome.durationMs)
  return outcome
}
