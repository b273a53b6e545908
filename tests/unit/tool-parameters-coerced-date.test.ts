/**
 * A tool parameter `z.coerce.date()` reached the model as `{}` (any value) in the tool's JSON
 * Schema: zod has no JSON Schema for a Date, so the model was told nothing of the field — no type,
 * no hint that it wants a date — and sent whatever it guessed (a number, a phrase like "tomorrow",
 * which the coercion turns into an Invalid Date and the call is refused). Arguments arrive as JSON,
 * where a date is text `new Date(text)` reads, so it is described as a date-time string, as the
 * workflows' forms already do (server/lib/coerced-date.ts).
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { toolParametersJsonSchema } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'

describe('a tool parameter z.coerce.date()', () => {
  it('is a date-time string in the JSON Schema the model sees, optional or not', () => {
    const tool = defineTool({
      name: 'book_meeting',
      description: 'Books a meeting',
      parameters: z.object({ at: z.coerce.date(), until: z.coerce.date().optional() }),
      execute: ({ at }) => ({ at: at.toISOString() }),
    })
    const schema = toolParametersJsonSchema(tool) as { properties: Record<string, unknown>, required: string[] }
    expect(schema.properties.at).toEqual({ type: 'string', format: 'date-time' })
    expect(schema.properties.until).toEqual({ type: 'string', format: 'date-time' })
    expect(schema.required).toEqual(['at'])
  })
})
