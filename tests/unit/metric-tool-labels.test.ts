/**
 * `tool_runs_total{tool,status}` and `tool_run_ms{tool,status}` are per registered tool, but every
 * label kept at most 64 values (the bound meant for codes an app's errors carry): an app with more
 * tools — an MCP toolkit's 80 — saw the failures of whichever tools were called after the 64th
 * since the start merged into `tool="other"`, a different set on each instance. Tool names are
 * already a bounded set (registered at build time, 1–64 letters, digits, `_`, `-`), so they keep
 * their own series up to a much larger bound; codes stay bounded at 64.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { countToolResult } from '../../server/lib/executor/tool-metrics'
import { MAX_LABEL_VALUES } from '../../server/lib/metric-labels'
import { useMetrics } from '../../server/lib/metrics'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'

const TOOLS = 80

describe('tool labels of an app with more than 64 tools', () => {
  it('keep one series per registered tool', () => {
    useMetrics().reset()
    const tools = createToolRegistry(Array.from({ length: TOOLS }, (_, index) => defineTool({ name: `tool_${index}`, description: 'x', parameters: z.object({}), execute: () => 'ok' })))
    for (let index = 0; index < TOOLS; index++) countToolResult(tools, `tool_${index}`, 'error', 5)
    const { counters, histograms } = useMetrics().snapshot()
    const runs = Object.keys(counters).filter(key => key.startsWith('tool_runs_total{'))
    expect(runs).toHaveLength(TOOLS)
    expect(counters[`tool_runs_total{status="error",tool="tool_${TOOLS - 1}"}`]).toBe(1)
    expect(Object.keys(histograms).filter(key => key.startsWith('tool_run_ms{'))).toHaveLength(TOOLS)
    expect(runs.some(key => key.includes('"other"'))).toBe(false)
    // Codes are still bounded at 64.
    for (let index = 0; index < TOOLS; index++) useMetrics().increment('job_errors_total', { code: `code-${index}` })
    expect(Object.keys(useMetrics().snapshot().counters).filter(key => key.startsWith('job_errors_total{'))).toHaveLength(MAX_LABEL_VALUES + 1)
    useMetrics().reset()
  })
})
