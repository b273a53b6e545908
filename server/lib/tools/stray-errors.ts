/**
 * Errors an in-process tool's code raises outside its `execute` promise: a throw in a timer or an
 * event callback it started, a promise it rejected and left unhandled. Node hands them to the
 * process (`uncaughtException`, `unhandledRejection`), where Nitro's node presets log them as
 * `[uncaughtException] Error: …` — naming neither the tool nor the job — and keep the server up.
 *
 * Here, an error raised in the async context of a tool call (isolation/call-scope.ts, the same
 * scope an isolation worker uses) is taken before any other listener sees it:
 * - raised while its call runs, it fails that call at once with the error, as a throw from
 *   `execute` would (the model reads `Tool "x" failed: …`);
 * - either way it is logged once, naming the tool, the job and the error, counted in
 *   `tool_stray_errors_total{tool,kind}`, passed to the app's `error` hook (`capture`), and the
 *   process goes on.
 * An error of no tool call goes to the process's listeners exactly as before (Nitro logs it; with
 * no listener Node ends the process as it always did).
 */
import type { ToolContext, ToolDefinition } from './types'
import type { CallScope } from '../isolation/call-scope'
import { currentCallScope, runInCallScope } from '../isolation/call-scope'
import { describeThrown } from '../executor/tool-errors'
import type { Logger } from '../logger'
import type { Metrics } from '../metrics'

/** How a stray error reached the process. */
export type StrayErrorKind = 'uncaughtException' | 'unhandledRejection'

/** Runs an in-process tool's `execute` as code of its call (so its stray errors name it). */
export async function executeInCallScope(tool: ToolDefinition, args: unknown, context: ToolContext): Promise<unknown> {
  let fail!: (error: unknown) => void
  const failed = new Promise<never>((_, reject) => {
    fail = reject
  })
  failed.catch(() => {})
  const scope: CallScope = { tool: tool.name, jobId: context.jobId, faultChannel: undefined, settled: false, fail }
  try {
    return await runInCallScope(scope, () => Promise.race([Promise.resolve().then(() => tool.execute(args as never, context)), failed]))
  }
  finally {
    scope.settled = true
  }
}

/** Where `trapToolStrayErrors` reports. */
export interface StrayErrorTrapOptions {
  logger: Logger
  metrics: Metrics
  /** The app's error reporting (Nitro's `captureError`, so `error` hooks see it as before). */
  capture?: (error: unknown, kind: StrayErrorKind) => void
}

const STRAY_EVENTS = new Set<string | symbol>(['uncaughtException', 'unhandledRejection'])

/**
 * Takes the process's stray errors that come from a tool call (see the file comment). Node emits
 * both events through `process.emit`, and a `true` answer means handled: that is the one place to
 * take an error before every listener (Nitro's included) without changing how the others are
 * handled. Returns a function that stops it.
 */
export function trapToolStrayErrors(options: StrayErrorTrapOptions): () => void {
  const original = process.emit
  let active = true
  const patched = function (this: NodeJS.Process, name: string | symbol, ...args: unknown[]) {
    const scope = active && STRAY_EVENTS.has(name) ? currentCallScope() : undefined
    if (!scope) return (original as (...all: unknown[]) => boolean).call(this, name, ...args)
    onToolStrayError(options, scope, name as StrayErrorKind, args[0])
    return true
  } as typeof process.emit
  process.emit = patched
  return () => {
    active = false
    if (process.emit === patched) process.emit = original
  }
}

function onToolStrayError(options: StrayErrorTrapOptions, scope: CallScope, kind: StrayErrorKind, error: unknown): void {
  try {
    const during = !scope.settled
    if (during) scope.fail(error)
    options.metrics.increment('tool_stray_errors_total', { tool: scope.tool, kind })
    options.logger.error(during
      ? `tool "${scope.tool}" raised an error from a callback or a promise left unhandled while its call ran; the call failed with it`
      : `tool "${scope.tool}" raised an error from a callback or a promise left unhandled after its call had ended; it was ignored`, { tool: scope.tool, jobId: scope.jobId, kind, error: describeThrown(error) })
    options.capture?.(error, kind)
  }
  catch {
    // Reporting must never turn a tool's stray error into a crash.
  }
}
