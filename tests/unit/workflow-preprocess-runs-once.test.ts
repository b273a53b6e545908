/**
 * docs/workflows.md: to know whether a `z.preprocess` field fills a missing value, the server runs
 * the field once on a missing value when it builds the schema (at boot). It ran the app's function
 * twice per schema: once to see whether it is async, then again in the parse that decides. A
 * function with a side effect (a counter, a log line) or a slow one paid it twice. Now once; what
 * is required is decided as before, a check on the preprocess itself (`.refine`) included. A
 * schema built again at boot because a computed default changed (form-schema.ts) ran it once more:
 * what a field was found to take is now kept for the field.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'

type ObjectSchema = { required?: string[] }

describe('a z.preprocess field at boot', () => {
  it('runs its function once per schema built', () => {
    const calls = { input: 0, answer: 0 }
    const language = (counted: keyof typeof calls) => z.preprocess((value) => {
      calls[counted]++
      return value ?? 'en'
    }, z.string())
    const workflow = defineWorkflow({
      name: 'once',
      description: 'preprocess runs once',
      input: z.object({ topic: z.string(), language: language('input') }),
      nodes: {
        ask: { kind: 'input', prompt: 'Language?', schema: z.object({ language: language('answer') }) },
        done: { kind: 'output', value: 'ok' },
      },
      edges: [['ask', 'done']],
    })
    const listed = createWorkflowRegistry([workflow]).get('once')!
    expect(calls).toEqual({ input: 1, answer: 1 })
    expect((listed.inputSchema as ObjectSchema).required).toEqual(['topic'])
    expect((listed.questions![0]!.answerSchema as ObjectSchema).required).toBeUndefined()
  })

  it('keeps a check on the preprocess itself: one a filled value fails stays required', () => {
    const workflow = defineWorkflow({
      name: 'checked',
      description: 'refined preprocess',
      input: z.object({ name: z.preprocess(value => value ?? '', z.string()).refine(value => value.length > 0) }),
      nodes: { done: { kind: 'output', value: 'ok' } },
      edges: [],
    })
    expect((createWorkflowRegistry([workflow]).get('checked')!.inputSchema as ObjectSchema).required).toEqual(['name'])
  })

  it('runs once also when a computed default makes the schema be built again', () => {
    let calls = 0
    let ids = 0
    const workflow = defineWorkflow({
      name: 'rebuilt',
      description: 'a preprocess beside a default that changes',
      input: z.object({
        language: z.preprocess((value) => {
          calls++
          return value ?? 'en'
        }, z.string()),
        id: z.string().default(() => `id-${ids++}`),
      }),
      nodes: { done: { kind: 'output', value: 'ok' } },
      edges: [],
    })
    const listed = createWorkflowRegistry([workflow]).get('rebuilt')!
    expect((listed.inputSchema as ObjectSchema).required).toBeUndefined()
    expect((listed.inputSchema as ObjectSchema).required).toBeUndefined()
    expect(calls).toBe(1)
  })
})
