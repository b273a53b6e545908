/**
 * The demo's form renderer (demo/app/lib/schema-form.ts) must turn what a user enters into an answer
 * the server accepts, for every schema shape the catalog and input requests emit: numeric enums
 * (a select's value is text), nullable fields (`type: ['number', 'null']`), unions (`anyOf`,
 * `oneOf` without a `type`) and optional JSON fields left empty. The schemas here are the ones the
 * server builds from zod (form-schema.ts), and each answer is checked with that same zod schema.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { decisionOf, formAnswer, formFields, skippable } from '../../demo/app/lib/schema-form'
import { createFormSchema } from '../../server/lib/workflows/form-schema'

/** The answer the form sends when the user enters `entered` (text per field; `''` for the whole answer). */
function answerFor(schema: z.ZodType, entered: Record<string, string>): unknown {
  const fields = formFields(createFormSchema(schema).read())
  const values: Record<string, string | number> = {}
  for (const field of fields) {
    const text = entered[field.name] ?? ''
    // Vue's v-model on a number input gives a number (and '' when empty).
    values[field.name] = field.control === 'number' && text !== '' ? Number(text) : text
  }
  return formAnswer(fields, values)
}

function accepted(schema: z.ZodType, entered: Record<string, string>) {
  const answer = answerFor(schema, entered)
  const parsed = schema.safeParse(answer)
  expect(parsed.success, `${JSON.stringify(answer)}: ${parsed.error?.message}`).toBe(true)
  return parsed.data
}

describe('demo form answers the server accepts', () => {
  it('a numeric enum: the chosen option is sent as its number, not its text', () => {
    const schema = z.object({ level: z.literal([1, 2, 3]) })
    expect(formFields(createFormSchema(schema).read())[0]).toMatchObject({ control: 'select', options: ['1', '2', '3'] })
    expect(accepted(schema, { level: '2' })).toEqual({ level: 2 })
    expect(accepted(z.object({ mixed: z.union([z.literal(1), z.literal('one')]) }), { mixed: '1' })).toEqual({ mixed: 1 })
  })

  it('a nullable field is shown as its own type; left empty it is null', () => {
    const schema = z.object({ note: z.string().nullable(), count: z.number().nullable(), pick: z.enum(['a', 'b']).nullable() })
    // Not required in the browser: left empty, each is sent as null.
    expect(formFields(createFormSchema(schema).read()).map(field => [field.control, field.required])).toEqual([['textarea', false], ['number', false], ['select', false]])
    expect(accepted(schema, { note: 'hello', count: '4', pick: 'b' })).toEqual({ note: 'hello', count: 4, pick: 'b' })
    expect(accepted(schema, {})).toEqual({ note: null, count: null, pick: null })
    const described = z.object({ size: z.number().describe('In metres').nullable(), tag: z.string().max(20).nullable().describe('A short tag') })
    expect(formFields(createFormSchema(described).read())).toMatchObject([
      { name: 'size', control: 'number', description: 'In metres', nullable: true },
      { name: 'tag', control: 'text', description: 'A short tag', nullable: true },
    ])
  })

  it('an optional field of JSON (a list, an object, a nullish number) may be left empty', () => {
    const schema = z.object({ tags: z.array(z.string()).optional(), extra: z.record(z.string(), z.number()).optional(), n: z.number().nullish(), title: z.string() })
    expect(accepted(schema, { title: 'x' })).toEqual({ title: 'x', n: null })
    expect(accepted(schema, { title: 'x', tags: '["a"]', n: '2' })).toEqual({ title: 'x', tags: ['a'], n: 2 })
  })

  it('a whole answer that may be left out (nullable, or an optional question) is its object\'s form, with Skip', () => {
    const nullable = createFormSchema(z.object({ ok: z.boolean() }).nullable()).read()
    expect(formFields(nullable).map(field => [field.name, field.control])).toEqual([['ok', 'checkbox']])
    expect(decisionOf(nullable)).toEqual({ name: 'ok', yes: 'Yes', no: 'No' })
    expect(skippable(nullable)).toBe(true)
    // What an optional question's request carries (optional-answer.ts): the object, or null.
    const optional = { anyOf: [{ type: 'object', properties: { note: { type: 'string' } }, required: ['note'] }, { type: 'null' }] }
    expect(formFields(optional).map(field => [field.name, field.control, field.required])).toEqual([['note', 'textarea', true]])
    expect(skippable(optional)).toBe(true)
    expect(skippable(createFormSchema(z.object({ ok: z.boolean() })).read())).toBe(false)
  })

  it('a whole answer that is a union of objects is read as JSON, not sent as text', () => {
    const either = z.discriminatedUnion('k', [z.object({ k: z.literal('a') }), z.object({ k: z.literal('b'), n: z.number() })])
    expect(accepted(either, { '': '{"k":"b","n":1}' })).toEqual({ k: 'b', n: 1 })
    // A recursive schema's field is a `$ref` to its definition.
    const node: z.ZodType<{ name: string, children?: unknown[] }> = z.object({ name: z.string(), get children() { return z.array(node).optional() } })
    expect(accepted(z.object({ tree: node }), { tree: '{"name":"root","children":[{"name":"leaf"}]}' })).toEqual({ tree: { name: 'root', children: [{ name: 'leaf' }] } })
  })
})
