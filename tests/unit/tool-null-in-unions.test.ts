/**
 * `"field": null` for an optional parameter is taken as absent (decision 023) — also inside the
 * options of a union: a model that filled one option of `target` with `"label": null` was refused
 * (`target: Invalid input`) because the options of a union were not walked. Now a null is left out
 * when an option may leave its property out and no option takes null for it; a discriminated
 * union reads only the options its tag names.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseToolArguments } from '../../server/lib/executor/parse-tool-args'
import { nullsAsAbsent } from '../../server/lib/tools/nulls-as-absent'

const point = z.object({ lat: z.number(), lon: z.number(), label: z.string().optional() })
const place = z.object({ city: z.string(), country: z.string().optional() })

describe('null for an optional field inside a union', () => {
  it('a union of plain types (optional) at the top level is absent', () => {
    const schema = z.object({ when: z.union([z.string(), z.number()]).optional(), either: z.union([z.string().optional(), z.number()]) })
    expect(parseToolArguments('t', schema, '{"when":null,"either":null}')).toEqual({})
  })

  it('in an option of a union of objects, nested and in arrays', () => {
    const schema = z.object({ target: z.union([point, place]), stops: z.array(z.union([point, place])).optional() })
    expect(parseToolArguments('t', schema, { target: { lat: 1, lon: 2, label: null }, stops: [{ city: 'Oslo', country: null }, { lat: 3, lon: 4, label: 'x' }] }))
      .toEqual({ target: { lat: 1, lon: 2 }, stops: [{ city: 'Oslo' }, { lat: 3, lon: 4, label: 'x' }] })
    const xor = z.object({ target: z.xor([point, place]) })
    expect(parseToolArguments('t', xor, { target: { city: 'Oslo', country: null } })).toEqual({ target: { city: 'Oslo' } })
  })

  it('a discriminated union reads the options its tag names', () => {
    const schema = z.object({
      target: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('point'), lat: z.number(), label: z.string().optional() }),
        z.object({ kind: z.literal('note'), label: z.string().nullable() }),
      ]),
    })
    expect(parseToolArguments('t', schema, { target: { kind: 'point', lat: 1, label: null } })).toEqual({ target: { kind: 'point', lat: 1 } })
    // The `note` option takes null for `label`: kept.
    expect(parseToolArguments('t', schema, { target: { kind: 'note', label: null } })).toEqual({ target: { kind: 'note', label: null } })
  })

  it('an option that takes null for the field keeps it; a field no option may leave out is still refused', () => {
    const nullable = z.object({ target: z.union([point, z.object({ lat: z.number(), label: z.string().nullable() })]) })
    expect(nullsAsAbsent(nullable, { target: { lat: 1, label: null } })).toEqual({ target: { lat: 1, label: null } })
    const required = z.object({ target: z.union([point, place]) })
    expect(() => parseToolArguments('t', required, { target: { city: null } })).toThrow(/Invalid arguments/)
  })

  it('a union that is its own option (recursive) is read once', () => {
    type Tree = { name: string, note?: string, children?: Tree[] } | string
    const tree: z.ZodType<Tree> = z.lazy(() => z.union([z.string(), z.object({ name: z.string(), note: z.string().optional(), children: z.array(tree).optional() }), tree]))
    expect(nullsAsAbsent(z.object({ root: tree }), { root: { name: 'a', children: [{ name: 'b', note: null }] } }))
      .toEqual({ root: { name: 'a', children: [{ name: 'b' }] } })
  })
})
