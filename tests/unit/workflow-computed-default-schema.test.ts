/**
 * A zod default given as a function in a workflow's input schema or an input node's answer schema
 * (`.default(() => new Date().toISOString())`, `.default(() => randomUUID())`): zod reads it when
 * the JSON Schema is built, once at boot, so the catalog (`inputSchema`, each question's
 * `answerSchema`) and the input request's `schema` showed clients that one value as the default
 * for the life of the process — the boot time, one id for every job — though the server fills in a
 * new value each time. As for tools (computed-defaults.ts): a default whose value changed since it
 * was shown is left out (the field stays optional); a fixed default is still shown.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

afterEach(() => { vi.useRealTimers() })

type ObjectSchema = { properties: Record<string, Record<string, unknown>>, required?: string[] }

function stamped(first = false) {
  let n = 0
  const due = { kind: 'input' as const, prompt: 'When?', schema: z.object({ due: z.iso.datetime().default(() => new Date().toISOString()), note: z.string().default('none') }) }
  return defineWorkflow({
    name: 'stamped',
    description: 'asks for a due date',
    input: z.object({
      topic: z.string(),
      at: z.iso.datetime().default(() => new Date().toISOString()),
      requestId: z.string().default(() => `req-${++n}`),
      lang: z.string().default('en'),
    }),
    nodes: {
      ...(first ? { go: { kind: 'input' as const, prompt: 'Go?', schema: z.boolean() } } : {}),
      ask: due,
      done: { kind: 'output', value: '{{outputs.ask.due}}' },
    },
    edges: [...(first ? [['go', 'ask'] as [string, string]] : []), ['ask', 'done']],
  })
}

describe('a workflow schema default computed by a function', () => {
  it('the catalog does not show the boot-time value once it changed; a fixed default stays', () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
    const registry = createWorkflowRegistry([stamped()])
    vi.setSystemTime(new Date('2026-01-01T00:05:00.000Z'))
    const workflow = registry.get('stamped')!
    const input = workflow.inputSchema as ObjectSchema
    expect(input.properties.at).not.toHaveProperty('default')
    expect(input.properties.at).toMatchObject({ type: 'string', format: 'date-time' })
    expect(input.properties.requestId).not.toHaveProperty('default')
    expect(input.properties.lang).toMatchObject({ default: 'en' })
    expect(input.required).toEqual(['topic'])
    const answer = workflow.questions![0]!.answerSchema as ObjectSchema
    expect(answer.properties.due).not.toHaveProperty('default')
    expect(answer.properties.note).toMatchObject({ default: 'none' })
  })

  it('the input request a client answers does not show it either', async () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
    // Asked after the clock moved on: a first question is answered five minutes after the start.
    const job = startWorkflow(stamped(true), { topic: 'x' })
    await job.nextInput()
    vi.setSystemTime(new Date('2026-01-01T00:05:00.000Z'))
    job.answer(true, 'user-1')
    await job.nextInput()
    const asked = job.state().pendingInputs.find(input => input.nodeId === 'ask')!
    const schema = asked.schema as ObjectSchema
    expect(schema.properties.due).not.toHaveProperty('default')
    expect(schema.properties.note).toMatchObject({ default: 'none' })
  })
})
