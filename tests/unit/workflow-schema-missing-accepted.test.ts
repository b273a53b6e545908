/**
 * zod's JSON Schema (io `input`) lists a `.catch(…)` field in `required` (its declared type is
 * required), though the server accepts it missing: a missing value takes the catch value. The
 * catalog's `inputSchema`, each question's `answerSchema` and an input request's `schema` said so,
 * so a client building its form from them (the demo's included) refused to send a start or an
 * answer the server takes. Such fields (and a preprocess into a `.catch`) are no longer listed as
 * required, at any depth; `required` is now exactly the fields the server refuses missing
 * (`z.unknown()`, `z.any()`, a union with `z.undefined()` are refused missing by zod 4: still listed).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { startWorkflow } from '../support/workflow-fake-context'

type ObjectSchema = { properties: Record<string, ObjectSchema>, required?: string[] }

const fields = {
  name: z.string(),
  mode: z.enum(['fast', 'slow']).catch('fast'),
  extra: z.unknown(),
  meta: z.any(),
  tag: z.union([z.string(), z.undefined()]),
  maybe: z.unknown().nullable(),
  level: z.preprocess(value => value, z.number().catch(1)),
  nested: z.object({ id: z.number(), note: z.string().catch('') }),
}
const shape = z.object(fields)

const workflow = defineWorkflow({
  name: 'forms',
  description: 'fields the server accepts missing',
  input: shape,
  nodes: {
    ask: { kind: 'input', prompt: 'Details?', schema: shape },
    done: { kind: 'output', value: 'ok' },
  },
  edges: [['ask', 'done']],
})

/** The fields the server refuses when they are missing from an otherwise valid value. */
function refusedMissing(): string[] {
  const full = { name: 'a', mode: 'slow', extra: 1, meta: 2, tag: 'x', maybe: null, level: 2, nested: { id: 1, note: 'n' } }
  return Object.keys(full).filter((key) => {
    const { [key]: _left, ...rest } = full as Record<string, unknown>
    return !shape.safeParse(rest).success
  })
}

describe('fields the server accepts missing', () => {
  it('are not required in the catalog (input and answer schemas), nested ones neither', () => {
    const refused = refusedMissing()
    expect(refused).toEqual(['name', 'extra', 'meta', 'tag', 'maybe', 'nested'])
    const listed = createWorkflowRegistry([workflow]).get('forms')!
    const input = listed.inputSchema as ObjectSchema
    expect(input.required).toEqual(refused)
    expect(input.properties.nested!.required).toEqual(['id'])
    const answer = listed.questions![0]!.answerSchema as ObjectSchema
    expect(answer.required).toEqual(refused)
  })

  it('are not required in the input request a client answers', async () => {
    const required = { extra: 1, meta: 2, tag: 'x', maybe: null }
    const job = startWorkflow(workflow, { name: 'a', ...required, nested: { id: 1 } })
    await job.nextInput()
    const schema = job.state().pendingInputs[0]!.schema as ObjectSchema
    expect(schema.required).toEqual(['name', 'extra', 'meta', 'tag', 'maybe', 'nested'])
    expect(schema.properties.nested!.required).toEqual(['id'])
    job.answer({ name: 'b', ...required, nested: { id: 2 } })
    await job.done
    expect(String(job.error())).toBe('undefined')
  })
})
