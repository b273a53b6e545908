/**
 * Where a tool's `execute` runs: in this process (the default), or in an isolation worker when
 * the tool says `isolation: 'worker'` or the operator lists it in `tools.isolated`. Either way
 * the caller gets the result as JSON or the error the tool threw, so everything around the call
 * (deadline, retry, events) is the same for both.
 */
import type { BackgroundJobsConfig } from '../config'
import { isolatedToolNames } from '../config'
import { IsolationUnavailableError } from '../isolation/errors'
import type { RunContext } from '../run-context'
import { executeInCallScope } from '../tools/stray-errors'
import type { ToolContextIds, ToolDefinition } from '../tools/types'
import type { CallProgress } from './call-progress'
import { ignoreProgress } from './call-progress'
import { MAX_NODE_END_BYTES } from '../workflows/recorded-output'
import type { IsolatedOnWaiting } from '../isolation/tool-pool'
import type { ToolResultJson } from './tool-result-json'
import { boundedToolResult, toolResultJson } from './tool-result-json'
import { RESULT_EVENT_MAX_BYTES } from './truncate-results'

/** One call, ready to run. */
export interface ToolInvocation {
  tool: ToolDefinition
  /** Parsed by the tool's schema (in-process `execute` gets these). */
  args: unknown
  /** As the model sent them, decoded (a worker parses them itself). */
  rawArgs: unknown
  context: ToolContextIds
  timeoutMs: number
  /** Where the call's `ctx.progress` updates go (call-progress.ts); absent: nowhere. */
  progress?: CallProgress
  /** An isolated call a human approved: the value approved, which its worker runs as it is (approved-arguments.ts). */
  approvedArgs?: { value: unknown }
  /** A workflow's tool node runs it and uses its value (not a model, which reads only part of it): `maxIsolatedResultBytes`. */
  forNode?: boolean
}

/**
 * One attempt at running the tool; `signal` fires on its time limit and on the job's abort. An
 * isolated attempt calls `started` when a worker takes it from the queue, and hands `onWaiting` how
 * to cancel its start meanwhile (run-with-deadline.ts), with where its worker is in the call
 * (`stage`: a time limit that passes while it still loads the tool's file or checks the arguments
 * is not the tool's, it never ran; `leftover`: an earlier call's timer runs there now).
 */
export type ToolAttempt = (signal: AbortSignal, started?: () => void, onWaiting?: IsolatedOnWaiting) => Promise<ToolResultJson>

/** True when this tool runs in an isolation worker. */
export function runsIsolated(tool: ToolDefinition, config: BackgroundJobsConfig): boolean {
  return tool.isolation === 'worker' || isolatedToolNames(config).has(tool.name)
}

/**
 * The most of a result's JSON the server keeps (of an isolated one, takes from its worker): what
 * reads it. Beyond it, only that much is kept with the size (`ToolResultJson.cutBytes`), and none
 * of it is parsed. A workflow's tool node (`forNode`) uses the value itself, and fails on more than
 * `MAX_NODE_END_BYTES`. A model's call is read only in part: the model reads at most
 * `limits.maxResultBytes` of it, its `tool-result` event `RESULT_EVENT_MAX_BYTES`, and a trace with
 * `telemetry.recordContent` `maxContentChars` characters (at most 6 bytes of JSON each, and two
 * more: telemetry/content.ts). 3 bytes more: a cut ends on a whole character.
 */
export function maxIsolatedResultBytes(config: BackgroundJobsConfig, forNode = true): number {
  const whole = Math.max(config.limits.maxResultBytes, MAX_NODE_END_BYTES)
  if (forNode) return whole
  const { recordContent, maxContentChars } = config.telemetry
  const traced = recordContent ? (Math.max(0, Number(maxContentChars) || 0) + 2) * 6 : 0
  return Math.min(whole, Math.max(config.limits.maxResultBytes, RESULT_EVENT_MAX_BYTES, traced) + 3)
}

/** How to run this invocation: in-process, or through the run's isolation pool. */
export function toolAttempt(run: RunContext, invocation: ToolInvocation): ToolAttempt {
  const { tool, args, rawArgs, context, timeoutMs, approvedArgs, progress } = invocation
  const maxResultJsonBytes = maxIsolatedResultBytes(run.config, invocation.forNode)
  // In-process too, a result is kept only as far as anything reads it (its worker cuts an isolated one).
  if (!runsIsolated(tool, run.config)) {
    return async signal => boundedToolResult(toolResultJson(tool.name, await executeInCallScope(tool, args, { ...context, signal, progress: progress?.report ?? ignoreProgress })), maxResultJsonBytes)
  }
  const isolation = run.isolation
  if (!isolation) return async () => Promise.reject(new IsolationUnavailableError(tool.name, 'this engine was created without tool isolation'))
  return (signal, started, onWaiting) => isolation.run({ name: tool.name, args: rawArgs, context, timeoutMs, maxResultJsonBytes, ...(approvedArgs ? { approvedArgs } : {}) }, signal, started, onWaiting, progress?.received)
}

/**
 * For an isolated tool that needs approval: its arguments as its worker's schema makes them (an
 * `IsolatedArgumentsCheck`: to show, as JSON and bounded, and the exact value to run with when it
 * is plain JSON data), without running it — the schema never runs in the server's
 * thread, and arguments it refuses end the call before a human is asked. `signal` as for an attempt.
 */
export function isolatedArgumentsCheck(run: RunContext, invocation: Omit<ToolInvocation, 'args' | 'approvedArgs'>): ToolAttempt {
  const { tool, rawArgs, context, timeoutMs } = invocation
  const isolation = run.isolation
  if (!isolation) return async () => Promise.reject(new IsolationUnavailableError(tool.name, 'this engine was created without tool isolation'))
  return (signal, started, onWaiting) => isolation.run({ name: tool.name, args: rawArgs, context, timeoutMs, check: true }, signal, started, onWaiting)
}
