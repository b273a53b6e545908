/**
 * A tool's `parameters` schema whose own code throws (a refine whose database is down) is logged
 * in-process as `a tool's parameters schema threw`, with the tool, the job and the error. An
 * isolated tool's worker checks the arguments itself: the call got the same message, but the
 * error crossed back as a plain not-run error, lost its type and cause, and nothing was logged.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { silentLogger } from '../../server/lib/logger'
import { useMetrics } from '../../server/lib/metrics'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'

const pools = useIsolationPools()

describe('an isolated tool whose parameters schema throws', () => {
  it.each([false, true])('is logged with the tool, the job and the error, and counted, not timed (isolated: %s)', async (isolated) => {
    const config = resolveConfig({ tools: { isolated: isolated ? 'schema_throws' : '' }, isolation: { maxWorkers: 1, minWorkers: 1 } })
    const fake = pools.run(config, silentLogger)
    const { logger, lines } = recordingLogger()
    const timed = () => useMetrics().snapshot().histograms['tool_run_ms{status="error",tool="schema_throws"}']?.count ?? 0
    const before = timed()
    const outcome = await executeToolCall({ ...fake.context, logger }, { id: `c-${isolated}`, name: 'schema_throws', args: { id: '42' }, step: 1 })
    expect(outcome.status).toBe('error')
    // The model and the page read that the schema threw, not its message (tools.errorMessages); the log has it.
    expect(outcome.error).toBe('Tool "schema_throws" failed: its parameters schema threw while checking the arguments (the tool\'s own check, not a problem the arguments were found to have)')
    const logged = lines.filter(line => line.message === 'a tool\'s parameters schema threw')
    expect(logged).toHaveLength(1)
    expect(logged[0]!.fields).toMatchObject({ tool: 'schema_throws', jobId: 'job-1' })
    expect(logged[0]!.fields!.error).toMatchObject({ message: 'connect ECONNREFUSED 10.0.3.7:5432 (orders db)', code: 'ECONNREFUSED' })
    expect({ timed: timed() - before, durationMs: outcome.durationMs }).toEqual({ timed: 0, durationMs: 0 })
  })
})
