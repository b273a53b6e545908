/**
 * The demo composer's `/workflow <name>` with no text, for a workflow whose input fields are all
 * optional: the command filled the first string field with the empty text, `{ "topic": "" }`, which
 * a `z.string().min(1).optional()` field refuses (and which otherwise reached the workflow as a
 * blank topic instead of its default). Leaving the text out now leaves the field out.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { CatalogWorkflow } from '../../app/lib/api-types'
import { parseComposerInput } from '../../demo/app/lib/commands'
import { createFormSchema } from '../../server/lib/workflows/form-schema'

function sent(input: z.ZodType, command: string): unknown {
  const workflow: CatalogWorkflow = { name: 'w', description: '', inputSchema: createFormSchema(input).read(), questions: [] }
  const intent = parseComposerInput(command, [workflow])
  expect(intent.kind).toBe('workflow')
  return (intent as { input: unknown }).input
}

describe('the /workflow command with no text for an input of optional fields', () => {
  it('sends no field, which the server takes (defaults apply)', () => {
    const input = z.object({ topic: z.string().min(1).optional(), lang: z.string().default('en') })
    const body = sent(input, '/workflow w')
    const parsed = input.safeParse(body)
    expect(parsed.success, `${JSON.stringify(body)}: ${parsed.error?.message}`).toBe(true)
    expect(parsed.data).toEqual({ lang: 'en' })
  })

  it('still fills the first string field with a text', () => {
    expect(sent(z.object({ topic: z.string().min(1).optional() }), '/workflow w sails')).toEqual({ topic: 'sails' })
  })
})
