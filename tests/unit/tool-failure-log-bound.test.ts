/**
 * A tool whose `execute` throws on every call — the API or database it reads is down — logged one
 * warning per call of every job: an outage of the app's own service buried the log, as a failing
 * `upstream-request` hook did. Now its first failure is logged whole, the next ones of that tool
 * are counted, and one line a minute later gives their number, the last error and the jobs they
 * were for (bounded); at shutdown, what was counted so far. Each call's error still reaches the
 * model and `tool_runs_total{status="error"}`; another tool's failure is logged on its own.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runChatJob } from '../../server/lib/executor/run-chat-job'
import { HOOK_FAILURE_WINDOW_MS } from '../../server/lib/hook-failure-log'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { createTestEngine, runChatJobsInTurn } from '../support/engine-harness'
import { recordingLogger } from '../support/recording-logger'
import { createStepModel, textStep, toolStep } from '../support/step-model'

const down = () => {
  throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:5432'), { code: 'ECONNREFUSED' })
}
const readOrders = defineTool({ name: 'read_orders', description: 'Reads orders', parameters: z.object({}), execute: down })
const readStock = defineTool({ name: 'read_stock', description: 'Reads stock', parameters: z.object({}), execute: down })

/** An engine whose chats call `read_orders` twice (two rounds), then `read_stock` once the `stock` flag is set. */
function engineWithFailingTool() {
  const { logger, lines } = recordingLogger()
  const steps = (jobs: number, withStock: boolean) => Array.from({ length: jobs }, () => [
    toolStep([{ id: 'call_1', name: 'read_orders', args: {} }]),
    toolStep([{ id: 'call_2', name: withStock ? 'read_stock' : 'read_orders', args: {} }]),
    textStep('Sorry, not available.'),
  ]).flat()
  const model = createStepModel([...steps(4, false), ...steps(1, true)])
  const { engine } = createTestEngine({ logger, runners: { chat: runChatJob }, model, tools: createToolRegistry([readOrders, readStock]) })
  const toolLines = (name: string) => lines.filter(line => line.message.startsWith(`tool "${name}" failed`))
  return { engine, toolLines }
}


describe('a tool that fails at every call', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is logged once, then counted in one line a minute later naming the jobs; another tool on its own', async () => {
    const { engine, toolLines } = engineWithFailingTool()
    const ids = await runChatJobsInTurn(engine, 4)
    expect(toolLines('read_orders')).toEqual([{ level: 'warn', message: 'tool "read_orders" failed; the model got the error as its result', fields: { tool: 'read_orders', jobId: ids[0], callId: 'call_1', error: expect.objectContaining({ code: 'ECONNREFUSED' }) } }])
    // Within the minute, another tool's first failure is its own line.
    const [stockJob] = await runChatJobsInTurn(engine, 1)
    expect(toolLines('read_stock')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ tool: 'read_stock', jobId: stockJob }) })])
    await vi.advanceTimersByTimeAsync(HOOK_FAILURE_WINDOW_MS)
    const counted = 4 * 2 - 1 + 1
    expect(toolLines('read_orders')).toHaveLength(2)
    expect(toolLines('read_orders')[1]).toEqual({
      level: 'warn',
      message: `tool "read_orders" failed ${counted} more times after the failure logged before; the model got each error as its result (not logged one by one; the last error is shown)`,
      fields: { tool: 'read_orders', failures: counted, jobIds: [...ids, stockJob], error: expect.objectContaining({ code: 'ECONNREFUSED' }) },
    })
    await engine.dispose()
    expect(engine.stats().engineTimers).toBe(0)
  })
})
