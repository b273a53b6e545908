/**
 * A tool whose `execute` throws is logged for the operator (`tool "x" failed; …`), but an isolated
 * tool whose worker died under its call — over its heap cap, the failure isolation exists for — was
 * not: `tool_runs_total{status="error"}` and `isolated_calls_stopped_total{reason="heap"}` (no tool
 * label) climbed, and nothing said which tool, in which job, or that isolation.heapMb was the
 * reason, unless one read each job's events through its user's routes. Real worker threads.
 */
import { expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { useIsolationPools } from '../support/isolation-pools'
import { recordingLogger } from '../support/recording-logger'

const pools = useIsolationPools()

it('a call whose worker died over its heap cap is logged naming the tool, the job, the call and why', async () => {
  const run = pools.run(resolveConfig({ tools: { isolated: 'hog' }, isolation: { maxWorkers: 1, minWorkers: 1, heapMb: 32 } }))
  const { logger, lines } = recordingLogger()
  run.context.logger = logger
  const outcome = await executeToolCall(run.context, { id: 'h1', name: 'hog', args: '{}', step: 1 })
  const why = 'Tool "hog" was stopped: it used more memory than its heap limit of 32 MB (isolation.heapMb)'
  expect(outcome).toMatchObject({ status: 'error', error: why })
  expect(lines.filter(line => line.fields?.tool === 'hog')).toEqual([{
    level: 'warn',
    message: 'tool "hog" failed; the model got the error as its result',
    fields: { tool: 'hog', jobId: run.context.jobId, callId: 'h1', error: expect.objectContaining({ name: 'ToolHeapLimitError', message: why }) },
  }])
  expect(run.context.timers.size).toBe(0)
})
