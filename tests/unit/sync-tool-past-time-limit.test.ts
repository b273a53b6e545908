/**
 * A tool whose `execute` holds the server's thread past its time limit (a synchronous loop; a
 * regex that backtracks on what the model chose) ends its call `timeout`, its result not used and
 * the model told it timed out — as a tool that answered late without blocking is. Before, the time
 * limit's timer could not run until the loop ended, the result was read first, and the call was
 * `completed` with it. The clock is moved by the tool (performance.now mocked): nothing spins.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'
import { useFakePerformanceNow } from '../support/fake-performance-now'

const clock = useFakePerformanceNow()

/** A tool that keeps the thread for `busyMs` (the clock moves while no timer can run), then answers. */
const spinning = (busyMs: number) => defineTool({
  name: 'spin',
  description: 'Holds the thread',
  parameters: z.object({}),
  timeoutMs: 5_000,
  execute: () => {
    clock.ms += busyMs
    return { matched: true }
  },
})

describe('a synchronous tool past its time limit', () => {
  it('ends timeout: its result not used, its duration the time it held the thread', async () => {
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [spinning(12_000)] })
    const outcome = await executeToolCall(fake.context, { id: 't', name: 'spin', args: {}, step: 1 })
    expect(outcome).toMatchObject({ status: 'timeout', error: 'Tool "spin" timed out after 5000 ms', durationMs: 12_000 })
    expect(outcome).not.toHaveProperty('result')
    expect(fake.state().toolCalls[0]).toMatchObject({ status: 'timeout' })
  })

  it('one that gave the thread back within its limit completes as before', async () => {
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [spinning(4_000)] })
    expect(await executeToolCall(fake.context, { id: 't', name: 'spin', args: {}, step: 1 })).toMatchObject({ status: 'completed', result: { matched: true } })
  })
})
