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

describe('scripted model: sample arguments for string formats and tuples', () => {
  // Every required string got "example" and a tuple got nulls, so a tool taking an email address,
  // a URL, an id or a date failed validation offline instead of running.
  it.each([
    ['an email address', z.object({ to: z.email() })],
    ['a URL', z.object({ page: z.url() })],
    ['a UUID', z.object({ id: z.uuid() })],
    ['a v4 UUID', z.object({ id: z.uuidv4() })],
    ['a date', z.object({ day: z.iso.date() })],
    ['a date and time', z.object({ at: z.iso.datetime() })],
    ['a time', z.object({ at: z.iso.time() })],
    ['a duration', z.object({ for: z.iso.duration() })],
    ['an IPv4 address', z.object({ host: z.ipv4() })],
    ['an IPv6 address', z.object({ host: z.ipv6() })],
    ['a tuple', z.object({ point: z.tuple([z.string(), z.number().negative()]) })],
    ['a tuple with a rest', z.object({ row: z.tuple([z.boolean()], z.string()) })],
  ])('%s', (_, parameters) => {
    expect(parameters.safeParse(sample(parameters)).error).toBeUndefined()
  })

  it('sends the documented sample text for a plain string', () => {
    expect(sample(z.object({ city: z.string() }))).toEqual({ city: 'example' })
  })
})
