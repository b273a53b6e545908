/**
 * Counts a tool call's result by tool and status, and times the calls that ran, so an operator
 * sees which tool fails, times out or is slow. The `tool` label is the registered tool's name; a
 * name the model made up (no such tool) is counted as `unknown`, so model output never becomes a
 * label value: only tools known at build time can appear.
 */
import type { ToolCallOutcomeStatus } from '../../../shared/reducer'
import { useMetrics } from '../metrics'
import type { RunContext } from '../run-context'
import type { ToolRegistry } from '../tools/types'

/** The label value for calls of names that are not registered tools. */
export const UNKNOWN_TOOL_LABEL = 'unknown'

/** A `status` label: a call's outcome, or `refused` for an error result the tool's own `ToolError` gave (tool-failure-lines.ts). */
export type ToolRunStatus = ToolCallOutcomeStatus | 'refused'

/**
 * Counts one `tool-result` in `tool_runs_total{tool,status}` (and `tool_timeouts_total`), and its
 * execution time in `tool_run_ms{tool,status}` when the tool's code ran (`durationMs` not null:
 * a call refused before it ran — denied, bad arguments, no such tool — has no duration). A call
 * the job's end cut off has no result: it counts as `stopped`, untimed. An error result from the
 * tool's own `ToolError` counts as `refused`: the tool said no on purpose, it did not fail.
 */
export function countToolResult(tools: Pick<ToolRegistry, 'get'>, name: string, status: ToolRunStatus, durationMs: number | null = null): void {
  const metrics = useMetrics()
  const tool = tools.get(name) ? name : UNKNOWN_TOOL_LABEL
  metrics.increment('tool_runs_total', { tool, status })
  if (status === 'timeout') metrics.increment('tool_timeouts_total')
  if (durationMs !== null) metrics.labeledHistogram('tool_run_ms')(durationMs, tool, status)
}

/**
 * Counts a call's `tool-result` that this run emitted (`countToolResult`) once the store holds it.
 * A run that lost the job without knowing yet (its heartbeats did not reach the store) has its
 * result refused; the instance that took the job over reads the call unanswered and counts it
 * `error`. Counted by whoever stored the result, one call is one count: not `completed` on the
 * lost owner and `error` on the new one.
 */
export function countStoredToolResult(context: Pick<RunContext, 'tools' | 'afterStored'>, name: string, status: ToolRunStatus, durationMs: number | null = null): void {
  const count = () => countToolResult(context.tools, name, status, durationMs)
  if (context.afterStored) context.afterStored(count)
  else count()
}
