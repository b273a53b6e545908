/**
 * A union in a tool's `parameters` whose option JSON can never fill (`z.union([z.string(), z.date()])`:
 * the model sends JSON, which has no Date). That option only ever refuses, yet the model was shown
 * `{}` (any value) for it, so it could send a number and have the call fail. The model is now shown
 * only the options JSON can fill, while the tool keeps working through them; a union none of whose
 * options JSON can fill (`z.union([z.date(), z.bigint()])`, every call filling it fails) is refused
 * at registration like a single such field, naming the tool, the file, the field and the fix.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToolRegistry, InvalidToolDefinitionError } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'

function registry(parameters: z.ZodType) {
  return createToolRegistry([{ name: 'book_meeting', description: 'Books a meeting', parameters, execute: () => 'booked' } as AnyToolDefinition], { files: ['server/tools/book-meeting.ts'] })
}

function shown(parameters: z.ZodType): Record<string, unknown> {
  return registry(parameters).toModelTools(['book_meeting'])[0]!.function.parameters as Record<string, unknown>
}

describe('a union with an option JSON can never fill', () => {
  it('the model is shown only the options JSON can fill', () => {
    // What validation accepts from JSON: the string, never a Date.
    expect(z.union([z.string(), z.date()]).safeParse(3).success).toBe(false)
    expect(shown(z.object({ at: z.union([z.string(), z.date()]) })).properties).toEqual({ at: { type: 'string' } })
    const tagged = z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('on'), at: z.date() }),
      z.object({ kind: z.literal('asap') }),
    ])
    expect(shown(z.object({ when: tagged })).properties).toEqual({
      when: { oneOf: [{ type: 'object', properties: { kind: { type: 'string', const: 'asap' } }, required: ['kind'] }] },
    })
    // Options JSON can fill all stay (a coerced Date as a date-time string: coerced-date.ts).
    expect(shown(z.object({ at: z.union([z.string(), z.coerce.date()]) })).properties).toEqual({ at: { anyOf: [{ type: 'string' }, { type: 'string', format: 'date-time' }] } })
  })

  it('a union none of whose options JSON can fill is refused at registration, naming the field and the fix', () => {
    const refused = () => registry(z.object({ at: z.union([z.date(), z.bigint()]).optional() }))
    expect(refused).toThrow(InvalidToolDefinitionError)
    expect(refused).toThrow('Invalid tool "book_meeting" in server/tools/book-meeting.ts: `parameters` has at: a union none of whose options JSON arguments can ever be (the model sends JSON, so every call that fills it would fail): its first option has z.date(); use z.coerce.date() or z.iso.datetime()')
    expect(() => registry(z.object({ when: z.discriminatedUnion('kind', [z.object({ kind: z.literal('on'), at: z.date() })]) }))).toThrow('has when: a union none of whose options JSON arguments can ever be (the model sends JSON, so every call that fills it would fail): its first option has at: z.date()')
  })

  it('a union a preprocess feeds is left as it is', () => {
    expect(() => registry(z.object({ at: z.preprocess(value => new Date(String(value)), z.union([z.date(), z.bigint()])) }))).not.toThrow()
  })
})
