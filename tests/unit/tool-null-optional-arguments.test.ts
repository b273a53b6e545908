/**
 * OpenAI-family models send `"field": null` for an optional parameter they leave unset. A null for
 * an optional, non-nullable property is taken as absent before the schema checks the arguments
 * (top level, nested objects, objects in arrays); a nullable property keeps its null, a required
 * one is still refused, and the `tool-call` event keeps what the model sent.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import { parseToolArguments } from '../../server/lib/executor/parse-tool-args'
import { defineTool } from '../../server/utils/define-tool'
import { createFakeRunContext } from '../support/fake-run-context'
import { createStepModel } from '../support/step-model'

const schema = z.object({
  city: z.string(),
  timezone: z.string().optional(),
  units: z.enum(['metric', 'imperial']).default('metric'),
  note: z.string().nullable().optional(),
  label: z.string().nullish(),
  when: z.object({ day: z.string(), hour: z.number().int().optional() }).optional(),
  stops: z.array(z.object({ name: z.string(), minutes: z.number().optional() })).optional(),
  tag: z.string().optional().transform(tag => tag ?? 'none'),
})

describe('null for an optional parameter', () => {
  it('is absent at the top level: the call runs (a default applies)', () => {
    expect(parseToolArguments('t', schema, '{"city":"Oslo","timezone":null,"units":null,"tag":null}'))
      .toEqual({ city: 'Oslo', units: 'metric', tag: 'none' })
  })

  it('is absent in nested objects and in objects in arrays', () => {
    expect(parseToolArguments('t', schema, { city: 'Oslo', when: { day: 'Mon', hour: null }, stops: [{ name: 'A', minutes: null }, { name: 'B', minutes: 5 }] }))
      .toEqual({ city: 'Oslo', when: { day: 'Mon' }, stops: [{ name: 'A' }, { name: 'B', minutes: 5 }], units: 'metric', tag: 'none' })
  })

  it('a nullable (or nullish) field keeps its null; a required one is still refused', () => {
    expect(parseToolArguments('t', schema, { city: 'Oslo', note: null, label: null })).toMatchObject({ note: null, label: null })
    expect(() => parseToolArguments('t', schema, { city: null })).toThrow(/city: Invalid input: expected string, received null/)
  })

  it('a type that takes null keeps it (a union with null, any); a recursive schema is walked; nothing else is touched', () => {
    const loose = z.object({ either: z.union([z.string(), z.null()]).optional(), anything: z.any().optional(), extra: z.string().optional() }).passthrough()
    expect(parseToolArguments('t', loose, '{"either":null,"anything":null,"other":null}'))
      .toEqual(JSON.parse('{"either":null,"anything":null,"other":null}'))
    interface Node { name: string, child?: Node }
    const node: z.ZodType<Node> = z.lazy(() => z.object({ name: z.string(), child: node.optional() }))
    expect(parseToolArguments('t', node, { name: 'a', child: { name: 'b', child: null } })).toEqual({ name: 'a', child: { name: 'b' } })
  })

  it('the model\'s arguments are not changed: the tool-call event keeps the null', async () => {
    const raw = { city: 'Oslo', timezone: null }
    let got: unknown
    const tool = defineTool({ name: 'weather', description: 'w', parameters: z.object({ city: z.string(), timezone: z.string().optional() }), execute: (args) => {
      got = args
      return 'ok'
    } })
    const fake = createFakeRunContext({ model: createStepModel([]), tools: [tool] })
    const outcome = await executeToolCall(fake.context, { id: 'c1', name: 'weather', args: JSON.stringify(raw), step: 1 })
    expect(outcome.status).toBe('completed')
    expect(got).toEqual({ city: 'Oslo' })
    expect(fake.events.find(event => event.type === 'tool-call')).toMatchObject({ args: raw })
  })
})
