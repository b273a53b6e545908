/**
 * A `z.preprocess` field whose function fills a missing value (`v => v ?? 'en'`) is accepted
 * missing by the server, but zod's JSON Schema lists it as its schema: required. The catalog's
 * `inputSchema` and `answerSchema` and an input request's `schema` said so, so a client building
 * its form from them (the demo's) refused to send a start or an answer the server takes. It is now
 * left out of `required` when the server takes the value without it (the field is checked once when
 * the form schema is built); a preprocess that does not fill a missing value, throws on one, or is
 * async stays required (an async one that rejects leaves no unhandled rejection: vitest fails a run
 * that has one).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'

type ObjectSchema = { properties: Record<string, ObjectSchema>, required?: string[] }

const shape = z.object({
  topic: z.string(),
  language: z.preprocess(value => value ?? 'en', z.string()),
  trimmed: z.preprocess(value => typeof value === 'string' ? value.trim() : value, z.string()),
  strict: z.preprocess((value) => {
    if (value === undefined) throw new Error('no value')
    return value
  }, z.string()),
  later: z.preprocess(async (value: unknown) => value ?? 'x', z.string()),
  rejects: z.preprocess(async (value: unknown) => {
    if (value === undefined) throw new Error('no value')
    return value
  }, z.string()),
  nested: z.object({ depth: z.preprocess(value => value ?? 3, z.number()), tone: z.string() }),
})

const workflow = defineWorkflow({
  name: 'filled',
  description: 'preprocess fields',
  input: shape,
  nodes: {
    ask: { kind: 'input', prompt: 'Details?', schema: shape },
    done: { kind: 'output', value: 'ok' },
  },
  edges: [['ask', 'done']],
})

describe('a z.preprocess field whose function fills a missing value', () => {
  it('is not required in the catalog\'s input and answer schemas; the others stay required', () => {
    const listed = createWorkflowRegistry([workflow]).get('filled')!
    for (const schema of [listed.inputSchema, listed.questions![0]!.answerSchema] as ObjectSchema[]) {
      expect(schema.required).toEqual(['topic', 'trimmed', 'strict', 'later', 'rejects', 'nested'])
      expect(schema.properties.nested!.required).toEqual(['tone'])
    }
  })

  it('is what the server accepts missing', async () => {
    const parsed = await shape.safeParseAsync({ topic: 't', trimmed: 'x', strict: 's', later: 'l', rejects: 'r', nested: { tone: 'dry' } })
    expect(parsed.data).toMatchObject({ language: 'en', nested: { depth: 3 } })
  })
})
