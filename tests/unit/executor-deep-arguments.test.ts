/**
 * Tool arguments come from the model (and through it from whatever it read: a page, a tool
 * result). `JSON.parse` takes any depth, but what walks the value after it recurses — the repeat
 * check's key, zod, `JSON.stringify` when the `tool-call` event is stored or streamed — so arguments
 * nested some thousands deep must be a bad-arguments result the model reads, not a failed job.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { MAX_JSON_DEPTH } from '../../server/lib/json-problem'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep } from '../support/step-model'

const nested = (depth: number) => `{"tree":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`

function runWithArguments(args: string) {
  const tool = defineTool({ name: 'store_tree', description: 'Stores a tree', parameters: z.object({ tree: z.any() }), execute: () => 'stored' })
  const execute = vi.spyOn(tool, 'execute')
  const model = createStepModel([
    [{ type: 'tool-call', call: { id: 'c1', name: 'store_tree', arguments: args } }, { type: 'finish', finishReason: 'tool_calls' }],
    textStep('done'),
  ])
  const fake = createFakeRunContext({ model, tools: [tool] })
  return { fake, model, execute, run: runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'go' }] }) }
}

describe('tool arguments nested too deeply', () => {
  it('10 000 levels: an error result the model reads, the tool does not run, and the job goes on', async () => {
    const args = nested(10_000)
    const { fake, model, execute, run } = runWithArguments(args)
    expect((await run).text).toBe('done')
    expect(execute).not.toHaveBeenCalled()
    const call = fake.state().toolCalls[0]!
    expect(call).toMatchObject({ status: 'error', error: `Invalid arguments for tool "store_tree": arguments nest arrays and objects more than ${MAX_JSON_DEPTH} levels deep` })
    // The event keeps the text the model sent, so it can be stored and streamed.
    expect(call.args).toBe(args)
    expect(() => JSON.stringify(fake.events)).not.toThrow()
    const [assistant] = model.requests[1]!.messages.slice(1)
    expect(assistant!.tool_calls![0]!.function.arguments).toBe('{}')
  })

  it(`${MAX_JSON_DEPTH} levels are taken as before`, async () => {
    const { fake, execute, run } = runWithArguments(nested(MAX_JSON_DEPTH))
    await run
    expect(execute).toHaveBeenCalledTimes(1)
    expect(fake.state().toolCalls[0]!.status).toBe('completed')
  })
})
