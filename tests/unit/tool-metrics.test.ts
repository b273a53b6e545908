/**
 * Tool results are counted by tool and status (`tool_runs_total{tool,status}`), so an operator
 * sees which tool fails or times out; a name the model made up is counted as `unknown`, never as
 * a label value of its own.
 */
import { describe, expect, it, vi } from 'vitest'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useMetrics } from '../../server/lib/metrics'
import { createFakeRunContext } from '../support/fake-run-context'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { counterGrowth } from '../support/counter-growth'
import { createStepModel } from '../support/step-model'

describe('tool result metrics', () => {
  it('counts each result by tool and status; unknown names as "unknown"; timeouts also in tool_timeouts_total', async () => {
    const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config: { limits: { toolTimeoutMs: 20 } } })
    let calls = 0
    const call = (name: string, args: unknown = {}) => executeToolCall(fake.context, { id: `call-${++calls}`, name, args, step: 1 })
    const grown = await counterGrowth(async () => {
      await call('echo', { text: 'hi' })
      await call('explode')
      await call('explode')
      await call('made_up_by_the_model')
      // Past its time limit (fake timers: the tool's own timer is dropped with them).
      vi.useFakeTimers()
      try {
        const waiting = call('wait', { ms: 60_000 })
        await vi.advanceTimersByTimeAsync(20)
        await waiting
      }
      finally {
        vi.useRealTimers()
      }
    })
    expect(grown).toMatchObject({
      'tool_runs_total{status="completed",tool="echo"}': 1,
      'tool_runs_total{status="error",tool="explode"}': 2,
      'tool_runs_total{status="error",tool="unknown"}': 1,
      'tool_runs_total{status="timeout",tool="wait"}': 1,
      'tool_timeouts_total': 1,
    })
    expect(Object.keys(grown).some(key => key.includes('made_up'))).toBe(false)
  })

  it('times each call that ran in tool_run_ms{tool,status}; a call that never ran (no such tool) has no duration', async () => {
    const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config: { limits: { toolTimeoutMs: 20 } } })
    let calls = 0
    const call = (name: string, args: unknown = {}) => executeToolCall(fake.context, { id: `timed-${++calls}`, name, args, step: 1 })
    const before = useMetrics().snapshot().histograms
    vi.useFakeTimers()
    try {
      const quick = call('wait', { ms: 5 })
      await vi.advanceTimersByTimeAsync(5)
      await quick
      const slow = call('wait', { ms: 60_000 })
      await vi.advanceTimersByTimeAsync(20)
      await slow
    }
    finally {
      vi.useRealTimers()
    }
    await call('explode')
    await call('made_up_by_the_model')
    const after = useMetrics().snapshot().histograms
    const grown = (key: string) => ({ count: (after[key]?.count ?? 0) - (before[key]?.count ?? 0), sum: (after[key]?.sum ?? 0) - (before[key]?.sum ?? 0) })
    expect(grown('tool_run_ms{status="completed",tool="wait"}')).toEqual({ count: 1, sum: 5 })
    expect(after['tool_run_ms{status="completed",tool="wait"}']?.buckets).toMatchObject({ 10: after['tool_run_ms{status="completed",tool="wait"}']?.count })
    expect(grown('tool_run_ms{status="timeout",tool="wait"}')).toEqual({ count: 1, sum: 20 })
    expect(grown('tool_run_ms{status="error",tool="explode"}').count).toBe(1)
    expect(Object.keys(after).filter(key => key.startsWith('tool_run_ms') && (key.includes('unknown') || key.includes('made_up')))).toEqual([])
  })
})
