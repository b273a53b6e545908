import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { sampleArguments } from '../../server/lib/model/scripted-arguments'
import { toolParametersJsonSchema } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'

/** The arguments the scripted model sends to a tool with these parameters, as the registry offers it. */
function sample(parameters: z.ZodType) {
  const tool = { name: 'probe', description: 'probe', parameters, execute: () => null } as unknown as AnyToolDefinition
  return sampleArguments(toolParametersJsonSchema(tool))
}

describe('scripted model: sample arguments keep within upper bounds', () => {
  // The sample read only lower bounds: "example" for a string of at most 2 characters, and 1 for a
  // number that must be negative, so such a tool failed validation offline instead of running.
  it.each([
    ['a two-letter code', z.object({ code: z.string().length(2) }), { code: 'ex' }],
    ['a short string', z.object({ tag: z.string().max(3) }), { tag: 'exa' }],
    ['a negative number', z.object({ delta: z.number().negative() }), { delta: -1 }],
    ['a number at most 0', z.object({ offset: z.number().max(0) }), { offset: 0 }],
    ['a fraction below 1', z.object({ ratio: z.number().gt(0).lt(1) }), { ratio: 0.5 }],
    ['an integer below -5', z.object({ floor: z.int().lt(-5) }), { floor: -6 }],
    ['a multiple of 5', z.object({ minutes: z.number().multipleOf(5) }), { minutes: 5 }],
    ['a multiple of 15 from 20', z.object({ minutes: z.int().min(20).multipleOf(15) }), { minutes: 30 }],
  ])('%s', (_, parameters, expected) => {
    const args = sample(parameters)
    expect(parameters.safeParse(args).error).toBeUndefined()
    expect(args).toEqual(expected)
  })

  it('keeps the samples it gave before within loose bounds', () => {
    expect(sample(z.object({ city: z.string().max(100), nights: z.int().min(2).max(30), rate: z.number().gt(50), count: z.int() }))).toEqual({ city: 'example', nights: 2, rate: 51, count: 1 })
  })
})
