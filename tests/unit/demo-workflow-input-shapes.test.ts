/**
 * The demo composer's `/workflow <name> <text>` (demo/app/lib/commands.ts) turned the text into
 * `{ topic: text }` (or the schema's first string property) whatever the workflow's input schema
 * was. A workflow whose input is not an object (`z.string()`, `z.number()`, a list) could then never
 * be started from the demo: every start was refused. The input schemas here are the ones the
 * catalog shows (form-schema.ts), and each input is parsed with the workflow's own zod schema.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { CatalogWorkflow } from '../../app/lib/api-types'
import { parseComposerInput } from '../../demo/app/lib/commands'
import { createFormSchema } from '../../server/lib/workflows/form-schema'

function started(input: z.ZodType, text: string) {
  const workflow: CatalogWorkflow = { name: 'w', description: '', inputSchema: createFormSchema(input).read(), questions: [] }
  const intent = parseComposerInput(`/workflow w ${text}`, [workflow])
  expect(intent.kind).toBe('workflow')
  const sent = (intent as { input: unknown }).input
  const parsed = input.safeParse(sent)
  expect(parsed.success, `${JSON.stringify(sent)}: ${parsed.error?.message}`).toBe(true)
  return parsed.data
}

describe('the /workflow command with an input that is not an object', () => {
  it('a text input is the text itself', () => {
    expect(started(z.string().min(1), 'solar sails')).toBe('solar sails')
    expect(started(z.string(), '{not json')).toBe('{not json')
  })

  it('a number, a list or a choice is read as JSON', () => {
    expect(started(z.number().int(), '3')).toBe(3)
    expect(started(z.array(z.string()), '["a","b"]')).toEqual(['a', 'b'])
    expect(started(z.boolean(), 'true')).toBe(true)
  })

  it('an object input is as before: the text fills its first required string property', () => {
    expect(started(z.object({ depth: z.number().optional(), topic: z.string() }), 'sails')).toEqual({ topic: 'sails' })
  })

  // A nullable text field is `"type": ["string", "null"]` in the catalog: it was passed over, the
  // text went to `topic`, and the start was refused (`subject: expected string, received undefined`).
  it('a nullable text field is filled as a text field is', () => {
    expect(started(z.object({ subject: z.string().nullable() }), 'sails')).toEqual({ subject: 'sails' })
    expect(started(z.object({ note: z.string().optional(), subject: z.string().min(1).nullable() }), 'sails')).toEqual({ subject: 'sails' })
  })
})
