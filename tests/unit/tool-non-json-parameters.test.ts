/**
 * A model sends a tool's arguments as JSON, so a parameter JSON can never be (a `z.date()` without
 * `z.coerce`, a `z.bigint()`, a Map, a Set, an `instanceof`…) fails every call that fills it, while
 * the model is shown `{}` (any value) there. Such a definition is refused at registration, naming
 * the tool, the field and what to write instead; coerced types, a preprocess, a `.catch` and a
 * union's other branches still accept JSON and are kept.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToolRegistry, InvalidToolDefinitionError } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'

function register(parameters: z.ZodType): () => void {
  return () => createToolRegistry([{ name: 'book_meeting', description: 'Books a meeting', parameters, execute: () => 'booked' } as AnyToolDefinition], { files: ['server/tools/book-meeting.ts'] })
}

describe('parameters JSON arguments can never fill', () => {
  it('a z.date() is refused at registration, naming the tool, the file, the field and the fix', () => {
    // Every call the model makes with `at` fails: JSON has no Date.
    expect(z.object({ at: z.date() }).safeParse(JSON.parse('{"at":"2026-01-01T10:00:00Z"}')).success).toBe(false)
    expect(register(z.object({ at: z.date() }))).toThrow(InvalidToolDefinitionError)
    expect(register(z.object({ at: z.date() }))).toThrow('Invalid tool "book_meeting" in server/tools/book-meeting.ts: `parameters` has at: z.date(), which JSON arguments can never be (the model sends JSON, so every call that fills it would fail); use z.coerce.date() or z.iso.datetime()')
  })

  it('the other non-JSON types are refused, wherever they are nested', () => {
    expect(register(z.object({ items: z.array(z.object({ id: z.bigint() })) }))).toThrow('has items[].id: z.bigint()')
    expect(register(z.object({ tags: z.set(z.string()) }))).toThrow('has tags: z.set(), which JSON arguments can never be')
    expect(register(z.object({ totals: z.record(z.string(), z.map(z.string(), z.number())) }))).toThrow('has totals[key]: z.map()')
    expect(register(z.object({ when: z.instanceof(Date) }))).toThrow('has when: z.instanceof(…)')
    expect(register(z.object({ pair: z.tuple([z.string(), z.date()]) }))).toThrow('has pair[1]: z.date()')
    expect(register(z.object({ at: z.date().optional() }))).toThrow('has at: z.date()')
    expect(register(z.object({ meta: z.object({ at: z.date() }).nullable() }))).toThrow('has meta.at: z.date()')
  })

  it('what JSON can fill is kept: coerced types, a preprocess, a transform, a catch, a union branch, a plain custom check', () => {
    expect(register(z.object({ at: z.coerce.date(), n: z.coerce.bigint() }))).not.toThrow()
    expect(register(z.object({ at: z.preprocess(value => new Date(String(value)), z.date()) }))).not.toThrow()
    expect(register(z.object({ at: z.string().transform(text => new Date(text)) }))).not.toThrow()
    expect(register(z.object({ at: z.date().catch(() => new Date(0)) }))).not.toThrow()
    expect(register(z.object({ at: z.union([z.string(), z.date()]) }))).not.toThrow()
    expect(register(z.object({ at: z.iso.datetime(), any: z.custom<string>(value => typeof value === 'string'), obj: z.instanceof(Object) }))).not.toThrow()
  })
})
