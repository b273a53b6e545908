/**
 * The demo's `calculate` tool: an expression it cannot compute ("Division by zero at position 3")
 * must reach the model as is, so the model can correct it. With the default `tools.errorMessages`
 * only a `ToolError`'s message does (any other reads `Tool "calculate" failed`), and the
 * calculator's errors were plain ones.
 */
import { describe, expect, it } from 'vitest'
import calculate from '../../demo/server/tools/calculate'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

describe('the demo calculate tool, by default', () => {
  it('tells the model what is wrong with the expression, and where', async () => {
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [calculate] })
    const outcome = await executeToolCall(fake.context, { id: 'c1', name: 'calculate', args: { expression: '1 / 0' }, step: 1 })
    expect(outcome.status).toBe('error')
    expect(outcome.error).toMatch(/^Division by zero/)
    expect(outcome.error).not.toContain('Tool "calculate" failed')
  })
})
