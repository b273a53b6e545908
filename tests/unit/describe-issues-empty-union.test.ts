/**
 * zod reports some unions with no option's problems (`errors: []`): a discriminated union given an
 * unknown tag, `z.xor` with more than one option matching. The union's own message says it all;
 * the "what it takes" suffix found nothing to list and left `…: expected ` hanging, in what the
 * model was told of its tool arguments and in the routes' 400s.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { describeIssues } from '../../server/lib/describe-issues'

function described(schema: z.ZodType, value: unknown): string {
  const parsed = schema.safeParse(value)
  if (parsed.success) throw new Error('the value was accepted')
  return describeIssues(parsed.error)
}

describe('a union zod reports without its options', () => {
  it('a discriminated union given an unknown tag keeps its own message', () => {
    const target = z.discriminatedUnion('kind', [z.object({ kind: z.literal('city'), name: z.string() }), z.object({ kind: z.literal('coords'), lat: z.number() })])
    const message = described(z.object({ target }), { target: { kind: 'zip' } })
    expect(message).toMatch(/^target\.kind: Invalid discriminator value/)
    expect(message).not.toMatch(/expected\s*$/)
  })

  it('z.xor with more than one option matching keeps its own message', () => {
    const message = described(z.xor([z.string(), z.string().min(1)]), 'both')
    expect(message).not.toMatch(/expected\s*$/)
    expect(message.length).toBeGreaterThan('(root): '.length)
  })
})
