/**
 * What the model is told about arguments its tool's schema refused: enough to correct the call.
 * A union no option took was one zod issue at the union, `Invalid input`, naming no field, so a
 * model that sent `{ kind: 'coords', lat: 'x' }` to a place-or-coordinates tool could only guess.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseToolArguments } from '../../server/lib/executor/parse-tool-args'

/** The message `parseToolArguments` throws for `args`. */
function refusal(schema: z.ZodType, args: unknown): string {
  try {
    parseToolArguments('forecast', schema, args)
  }
  catch (error) {
    return (error as Error).message
  }
  throw new Error('the arguments were accepted')
}

const place = z.union([
  z.object({ kind: z.literal('city'), name: z.string() }),
  z.object({ kind: z.literal('coords'), lat: z.number(), lon: z.number() }),
])

describe('invalid tool arguments name what to fix', () => {
  it('a union of tagged objects names the fields of the option the tag chose', () => {
    const message = refusal(z.object({ target: place }), JSON.stringify({ target: { kind: 'coords', lat: 'x' } }))
    expect(message).toBe('Invalid arguments for tool "forecast": target.lat: Invalid input: expected number, received string; target.lon: Invalid input: expected number, received undefined')
  })

  it('a field given the wrong type is not also told the checks of the type it should be', () => {
    const message = refusal(z.object({ city: z.string().min(2) }), JSON.stringify({ city: ['Paris'] }))
    expect(message).toBe('Invalid arguments for tool "forecast": city: Invalid input: expected string, received array')
  })

  it('a problem with the arguments as a whole says so', () => {
    const message = refusal(z.object({ city: z.string() }).strict(), JSON.stringify({ city: 'Paris', units: 'metric' }))
    expect(message).toBe('Invalid arguments for tool "forecast": arguments: Unrecognized key: "units"')
  })

  it('still accepts arguments that fit, with their defaults and transforms', () => {
    const schema = z.object({ target: place, days: z.number().int().default(3), units: z.enum(['c', 'f']).optional().transform(units => units ?? 'c') })
    expect(parseToolArguments('forecast', schema, '{"target":{"kind":"city","name":"Oslo"}}')).toEqual({ target: { kind: 'city', name: 'Oslo' }, days: 3, units: 'c' })
  })
})

describe('a union of plain types or values no option took', () => {
  it('says what the union takes', () => {
    expect(refusal(z.object({ when: z.union([z.string(), z.number()]) }), '{"when":true}')).toBe('Invalid arguments for tool "forecast": when: Invalid input: expected string | number, received boolean')
    expect(refusal(z.object({ units: z.union([z.literal('c'), z.literal('f'), z.null()]) }), '{"units":"k"}')).toBe('Invalid arguments for tool "forecast": units: Invalid input: expected "c" | "f" | null, received string')
  })

  it('leaves a union whose options failed on their fields as it was', () => {
    expect(refusal(z.object({ target: place }), '{"target":{"kind":"zip"}}')).toBe('Invalid arguments for tool "forecast": target: Invalid input')
  })
})
