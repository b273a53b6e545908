/**
 * Counts a tool call's result by tool and status, so an operator sees which tool fails or times
 * out. The `tool` label is the registered tool's name; a name the model made up (no such tool) is
 * counted as `unknown`, so model output never becomes a label value.
 */
import type { ToolResultStatus } from '../../../shared/events'
import { useMetrics } from '../metrics'
import type { ToolRegistry } from '../tools/types'

/** The label value for calls of names that are not registered tools. */
export const UNKNOWN_TOOL_LABEL = 'unknown'

/** Counts one `tool-result` in `tool_runs_total{tool,status}` (and `tool_timeouts_total`). */
export function countToolResult(tools: Pick<ToolRegistry, 'get'>, name: string, status: ToolResultStatus): void {
  const metrics = useMetrics()
  metrics.increment('tool_runs_total', { tool: tools.get(name) ? name : UNKNOWN_TOOL_LABEL, status })
  if (status === 'timeout') metrics.increment('tool_timeouts_total')
}
