/**
 * Errors an in-process tool's code — or a workflow node's own code (its `choose`, or a `prompt`,
 * `instructions`, `args` or `value` function) — raises outside its promise: a throw in a timer or
 * an event callback it started, a promise it rejected and left unhandled. Node hands them to the
 * process (`uncaughtException`, `unhandledRejection`), where Nitro's node presets log them as
 * `[uncaughtException] Error: …` — naming neither the tool, the node nor the job — and keep the
 * server up.
 *
 * Here, an error raised in the async context of a tool call or a node run (isolation/call-scope.ts,
 * the same scope an isolation worker uses) is taken before any other listener sees it:
 * - raised while its call or node runs, it fails that call or node at once with the error, as a
 *   throw from `execute` (or from the node's function) would (`Tool "x" failed: …`,
 *   `Node "x" failed: …`);
 * - either way it is logged once, naming the tool (or the workflow and node), the job and the
 *   error, counted in `tool_stray_errors_total{tool,kind}` (or
 *   `workflow_stray_errors_total{workflow,node,kind}`), passed to the app's `error` hook
 *   (`capture`), and the process goes on.
 * An error of no tool call or node goes to the process's listeners exactly as before (Nitro logs
 * it; with no listener Node ends the process as it always did).
 *
 * Lines are limited as an isolation worker limits its reports (isolation/stray-report-limit.ts):
 * `STRAY_REPORTS_PER_WINDOW` a second are logged (and captured) one by one, the rest counted by
 * tool (or node), job and kind, one line each when the second ends. A tool that left intervals
 * throwing every millisecond wrote about 9,000 lines (2.4 MB) a second with 20 of them, and handed
 * each error to the app's error reporting, for as long as the process lived. Every error is counted.
 */
import { getEventListeners } from 'node:events'
import type { ToolContext, ToolDefinition } from './types'
import type { CodeScope } from '../isolation/call-scope'
import { currentCodeScope, openScope, runInCallScope } from '../isolation/call-scope'
import type { CallScope } from '../isolation/call-scope'
import { describeFailureCause, redactedToolErrorText } from '../executor/tool-errors'
import { createStrayReportLimit, STRAY_REPORTS_PER_WINDOW } from '../isolation/stray-report-limit'
import type { StrayErrorReport } from '../isolation/stray-errors'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'

/** How a stray error reached the process. */
export type StrayErrorKind = 'uncaughtException' | 'unhandledRejection'

/** Whose code raised a stray error. */
export type StrayErrorSource = 'tool' | 'workflow'

/**
 * Runs an in-process tool's `execute` as code of its call (so its stray errors name it). The call
 * ends when `execute` settles or when its signal fires (its time limit, the job's abort): the loop
 * stops waiting then, so a tool that ignores its signal and fails later does not fail its call.
 */
export async function executeInCallScope(tool: ToolDefinition, args: unknown, context: ToolContext): Promise<unknown> {
  return await runAsToolCode(tool.name, context, toolContext => tool.execute(args as never, toolContext))
}

/**
 * Runs a tool's own code (its `execute`, its `needsApproval` function) as code of its call: a
 * stray error it raises names the tool, and one raised while `run` runs rejects with it.
 */
export async function runAsToolCode<T>(toolName: string, context: ToolContext, run: (context: ToolContext) => T | Promise<T>): Promise<T> {
  const { scope, failed, end } = openScope<CallScope>({ tool: toolName, jobId: context.jobId, faultChannel: undefined })
  context.signal.addEventListener('abort', end, { once: true })
  // The tool's signal is aborted as code of its call: the time limit or the job's abort that fires
  // it is not, so a throw from an abort listener the tool added would reach the process unnamed.
  // It still fires on the job's abort after the call answered when the tool left a listener on it.
  const own = new AbortController()
  const forward = () => runInCallScope(scope, () => own.abort(context.signal.reason))
  if (context.signal.aborted) forward()
  else context.signal.addEventListener('abort', forward, { once: true })
  try {
    return await runInCallScope(scope, () => Promise.race([Promise.resolve().then(() => run({ ...context, signal: own.signal })), failed]))
  }
  finally {
    context.signal.removeEventListener('abort', end)
    // Else nothing of the call stays on the run's signal (a listener there keeps it for the whole job).
    if (!getEventListeners(own.signal, 'abort').length) context.signal.removeEventListener('abort', forward)
    end()
  }
}

/**
 * `runAsToolCode` for the tool's synchronous code: its `parameters` schema checking a call's
 * arguments in the server's thread. A timer its refine or transform started is code of the call
 * (its stray error names the tool), and a `process.exit()` there is refused (exit-guard.ts).
 */
export function runAsToolCodeSync<T>(toolName: string, jobId: string, run: () => T): T {
  const { scope, end } = openScope<CallScope>({ tool: toolName, jobId, faultChannel: undefined })
  try {
    return runInCallScope(scope, run)
  }
  finally {
    end()
  }
}

/** Where `trapToolStrayErrors` reports. */
export interface StrayErrorTrapOptions {
  logger: Logger
  metrics: Metrics
  /** The app's error reporting (Nitro's `captureError`, so `error` hooks see it as before). */
  capture?: (error: unknown, kind: StrayErrorKind, source: StrayErrorSource) => void
}

const STRAY_EVENTS = new Set<string | symbol>(['uncaughtException', 'unhandledRejection'])

/**
 * Takes the process's stray errors that come from a tool call or a workflow node (see the file
 * comment). Node emits both events through `process.emit`, and a `true` answer means handled:
 * that is the one place to take an error before every listener (Nitro's included) without
 * changing how the others are handled. Returns a function that stops it.
 */
export function trapToolStrayErrors(options: StrayErrorTrapOptions): () => void {
  const original = process.emit
  let active = true
  const lines = createStrayLines(options)
  const patched = function (this: NodeJS.Process, name: string | symbol, ...args: unknown[]) {
    const scope = active && STRAY_EVENTS.has(name) ? currentCodeScope() : undefined
    if (!scope) return (original as (...all: unknown[]) => boolean).call(this, name, ...args)
    onStrayError(options, lines, scope, name as StrayErrorKind, args[0])
    return true
  } as typeof process.emit
  process.emit = patched
  return () => {
    active = false
    if (process.emit === patched) process.emit = original
    // What was counted in the last second is still told.
    lines.flush()
  }
}

/** Whose code a stray error line is for (not its scope: a map of them must keep no call's scope), and whether its run was still going. */
type StraySource = ({ tool: string } | { workflow: string, nodeId: string }) & { during: boolean }

/** Stray error lines within their rate (see the file comment). */
interface StrayLines {
  /** Logs (and captures) this error, or counts it when this second's lines are spent. */
  write(scope: CodeScope, during: boolean, kind: StrayErrorKind, error: unknown): void
  /** Logs what was counted so far. */
  flush(): void
}

function createStrayLines(options: StrayErrorTrapOptions): StrayLines {
  // The limiter keys its counts by channel, `tool`, job and kind: the channel names the source.
  const sources = new Map<string, StraySource>()
  let current: { scope: CodeScope, during: boolean, error: unknown } | undefined
  const limit = createStrayReportLimit((channel, report) => {
    if (report.suppressed) writeCounted(options, sources.get(channel)!, report)
    else if (current) writeOne(options, current.scope, current.during, report.kind, current.error)
  })
  return {
    write(scope, during, kind, error) {
      const source: StraySource = 'tool' in scope ? { tool: scope.tool, during } : { workflow: scope.workflow, nodeId: scope.nodeId, during }
      const channel = JSON.stringify(source)
      sources.set(channel, source)
      current = { scope, during, error }
      try {
        limit.report(channel, { tool: null, jobId: scope.jobId, kind, message: describedStrayError(error) })
      }
      finally {
        current = undefined
      }
    },
    flush: () => limit.flush(),
  }
}

const RAISED = 'raised an error from a callback or a promise left unhandled'

/** A stray error's text for its line, redacted and cut as the call's own error is (tool-errors.ts). */
function describedStrayError(error: unknown): string {
  return redactedToolErrorText(describeFailureCause(error))
}

function onStrayError(options: StrayErrorTrapOptions, lines: StrayLines, scope: CodeScope, kind: StrayErrorKind, error: unknown): void {
  try {
    const during = !scope.settled
    if (during) scope.fail(error)
    if ('tool' in scope) options.metrics.increment('tool_stray_errors_total', { tool: scope.tool, kind })
    else options.metrics.increment('workflow_stray_errors_total', { workflow: scope.workflow, node: scope.nodeId, kind })
    lines.write(scope, during, kind, error)
  }
  catch {
    // Reporting must never turn a stray error into a crash.
  }
}

/** One stray error's line, and the app's error reporting. */
function writeOne(options: StrayErrorTrapOptions, scope: CodeScope, during: boolean, kind: StrayErrorKind, error: unknown): void {
  const described = describedStrayError(error)
  if ('tool' in scope) {
    options.logger.error(during
      ? `tool "${scope.tool}" ${RAISED} while its call ran; the call failed with it`
      : `tool "${scope.tool}" ${RAISED} after its call had ended; it was ignored`, { tool: scope.tool, jobId: scope.jobId, kind, error: described })
  }
  else {
    const node = `workflow "${scope.workflow}" node "${scope.nodeId}"`
    options.logger.error(during
      ? `${node} ${RAISED} while the node ran; the node failed with it`
      : `${node} ${RAISED} after the node had ended; it was ignored`, { workflow: scope.workflow, nodeId: scope.nodeId, jobId: scope.jobId, kind, error: described })
  }
  options.capture?.(error, kind, 'tool' in scope ? 'tool' : 'workflow')
}

/** The line for stray errors counted instead of logged one by one (`jobId` null: counted for many jobs). */
function writeCounted(options: StrayErrorTrapOptions, source: StraySource, report: StrayErrorReport): void {
  const { during } = source
  try {
    const more = `raised ${report.suppressed} more errors from a callback or a promise left unhandled`
    const why = `(over ${STRAY_REPORTS_PER_WINDOW} a second, so not logged one by one; the last is shown)`
    const fields = { jobId: report.jobId, kind: report.kind, error: report.message, suppressed: report.suppressed }
    if ('tool' in source) {
      options.logger.error(`tool "${source.tool}" ${more} ${during ? 'while its call ran' : 'after its call had ended'} ${why}; ${during ? 'the call failed' : 'they were ignored'}`, { tool: source.tool, ...fields })
    }
    else {
      options.logger.error(`workflow "${source.workflow}" node "${source.nodeId}" ${more} ${during ? 'while the node ran' : 'after the node had ended'} ${why}; ${during ? 'the node failed' : 'they were ignored'}`, { workflow: source.workflow, nodeId: source.nodeId, ...fields })
    }
  }
  catch {
    // A count line must never turn into a crash either.
  }
}
