/**
 * A call refused before the tool's code ran — its arguments do not match the schema — is counted
 * in `tool_runs_total` but not timed in `tool_run_ms`, and its `durationMs` is 0 (docs/metrics.md).
 * An isolated tool's worker checks the arguments itself, after the call's clock has
 * started: the refusal came back timed like a call that ran, unlike the same call in-process.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useMetrics } from '../../server/lib/metrics'
import { silentLogger } from '../../server/lib/logger'
import { createFakeRunContext } from '../support/fake-run-context'
import { useIsolationPools } from '../support/isolation-pools'
import { ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import { createStepModel } from '../support/step-model'

const pools = useIsolationPools()

/** A fake run whose `echo` calls run in-process, or in an isolation worker. */
function run(isolated: boolean) {
  const config = resolveConfig({ tools: { isolated: isolated ? 'echo' : '' }, isolation: { maxWorkers: 1, minWorkers: 1 } })
  return pools.run(config, silentLogger)
}

/** How many calls `tool_run_ms{tool="echo",status}` holds. */
function timedEchoCalls(status: string): number {
  return useMetrics().snapshot().histograms[`tool_run_ms{status="${status}",tool="echo"}`]?.count ?? 0
}

describe('a call refused for its arguments', () => {
  it.each([false, true])('is counted, not timed (isolated: %s)', async (isolated) => {
    const fake = run(isolated)
    const before = { timed: timedEchoCalls('error'), counted: useMetrics().snapshot().counters['tool_runs_total{status="error",tool="echo"}'] ?? 0 }
    const outcome = await executeToolCall(fake.context, { id: `bad-${isolated}`, name: 'echo', args: { text: 42 }, step: 1 })
    expect(outcome.status).toBe('error')
    expect(outcome.error).toMatch(/Invalid arguments for tool "echo"/)
    expect(useMetrics().snapshot().counters['tool_runs_total{status="error",tool="echo"}']).toBe(before.counted + 1)
    expect({ timed: timedEchoCalls('error') - before.timed, durationMs: fake.eventsOf('tool-result').at(-1)!.durationMs }).toEqual({ timed: 0, durationMs: 0 })
    // A call that ran is still timed.
    const good = await executeToolCall(fake.context, { id: `good-${isolated}`, name: 'echo', args: { text: 'hi' }, step: 1 })
    expect(good.status).toBe('completed')
    expect(timedEchoCalls('completed')).toBeGreaterThan(0)
  })

  it('is counted, not timed, when no isolation worker can run it', async () => {
    const config = resolveConfig({ tools: { isolated: 'echo' } })
    const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config })
    const before = timedEchoCalls('error')
    const outcome = await executeToolCall(fake.context, { id: 'no-pool', name: 'echo', args: { text: 'hi' }, step: 1 })
    expect(outcome.error).toMatch(/must run in an isolation worker/)
    expect({ timed: timedEchoCalls('error') - before, durationMs: outcome.durationMs }).toEqual({ timed: 0, durationMs: 0 })
  })
})
