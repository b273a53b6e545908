import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { runAgentLoop } from '../../server/lib/executor/agent-loop'
import { APPROVAL_ARGS_MAX_BYTES } from '../../server/lib/executor/approval-arguments'
import type { AnyToolDefinition } from '../../server/lib/tools/types'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel, textStep, toolStep } from '../support/step-model'

function start(tool: AnyToolDefinition, args: unknown) {
  const model = createStepModel([toolStep([{ id: 'd1', name: tool.name, args }]), textStep('done')])
  const fake = createFakeRunContext({ model, tools: [tool], config: { limits: { inputTimeoutMs: 60_000 } } })
  const running = runAgentLoop(fake.context, { messages: [{ role: 'user', content: 'go' }] })
  return { ...fake, running }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('a tool approval shows the arguments execute will get', () => {
  it('with the schema\'s defaults and transforms applied, as JSON (a Date as its ISO text)', async () => {
    const execute = vi.fn((_args: unknown) => 'deleted')
    const wipe = defineTool({
      name: 'wipe',
      description: 'Deletes a folder',
      parameters: z.object({ path: z.string().trim(), recursive: z.boolean().default(true), after: z.coerce.date().optional() }),
      needsApproval: true,
      execute,
    })
    const { eventsOf, answer, pendingRequestIds, running } = start(wipe, JSON.stringify({ path: '  /home  ', after: '2026-01-02' }))
    await vi.advanceTimersByTimeAsync(0)
    const [request] = eventsOf('input-request')
    // The model never wrote `recursive`: the human must see that the folder goes with its contents.
    expect(request).toMatchObject({ args: { path: '/home', recursive: true, after: '2026-01-02T00:00:00.000Z' } })
    expect(request!.prompt).toBe('Allow the tool "wipe" to run with {"path":"/home","recursive":true,"after":"2026-01-02T00:00:00.000Z"}?')
    // The tool-call event keeps what the model sent.
    expect(eventsOf('tool-call')[0]!.args).toEqual({ path: '  /home  ', after: '2026-01-02' })
    answer(pendingRequestIds()[0]!, 'approve')
    await running
    expect(execute.mock.calls[0]![0]).toMatchObject({ path: '/home', recursive: true })
  })

  it('a parsed value JSON cannot hold (a BigInt) is shown as the model sent it', async () => {
    const pay = defineTool({ name: 'pay', description: 'Pays', parameters: z.object({ cents: z.coerce.bigint() }), needsApproval: true, execute: () => 'paid' })
    const { eventsOf } = start(pay, '{"cents":"250"}')
    await vi.advanceTimersByTimeAsync(0)
    expect(eventsOf('input-request')[0]).toMatchObject({ args: { cents: '250' } })
  })

  it('is bounded: a transform that makes a huge value is shown as a preview', async () => {
    const expand = defineTool({ name: 'expand', description: 'Expands', parameters: z.object({ text: z.string().transform(text => text.repeat(200_000)) }), needsApproval: true, execute: () => 'ok' })
    const { eventsOf } = start(expand, '{"text":"ab"}')
    await vi.advanceTimersByTimeAsync(0)
    const [request] = eventsOf('input-request')
    expect(typeof request!.args).toBe('string')
    expect(request!.args).toMatch(/… \(400011 bytes in all\)$/)
    expect(Buffer.byteLength(JSON.stringify(request))).toBeLessThan(3 * APPROVAL_ARGS_MAX_BYTES)
  })

  it('arguments the schema refuses go back to the model: nobody is asked', async () => {
    const execute = vi.fn()
    const wipe = defineTool({ name: 'wipe', description: 'Deletes', parameters: z.object({ path: z.string() }), needsApproval: true, execute })
    const { eventsOf, running, state } = start(wipe, '{"path":5}')
    await running
    expect(eventsOf('input-request')).toHaveLength(0)
    expect(state().toolCalls[0]).toMatchObject({ status: 'error', error: expect.stringContaining('Invalid arguments for tool "wipe": path:') })
    expect(execute).not.toHaveBeenCalled()
  })
})
