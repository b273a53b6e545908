/**
 * Property tests of the upstream parser: random text split at random byte positions is never
 * lost or changed; random garbage (bytes, and JSON of any shape) only ever fails with a
 * `ModelError` subclass, after every well-formed piece that came before it.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ModelError } from '../../server/lib/model/errors'
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'
import { splitBytes } from '../support/split-bytes'

/** Runs per property (reported in the issue note). */
export const PARSER_RUNS = { wellFormed: 300, garbageBytes: 300, garbageJson: 400, prefixThenGarbage: 300 } as const

const encoder = new TextEncoder()
const TEXT = fc.string({ unit: 'grapheme', maxLength: 12 })

function contentChunk(content: string): string {
  return `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`
}

async function* source(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield part
}

/** Consumes the parser; returns what it yielded and what it threw. */
async function consume(parts: Uint8Array[]): Promise<{ events: ModelEvent[], text: string, error: unknown }> {
  const events: ModelEvent[] = []
  let error: unknown
  try {
    for await (const event of parseChatCompletionStream(source(parts))) events.push(event)
  }
  catch (caught) {
    error = caught
  }
  const text = events.map(event => (event.type === 'text-delta' ? event.text : '')).join('')
  return { events, text, error }
}

/** Chunks of any JSON shape, biased toward the fields the parser reads. */
const WEIRD_CHUNK = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({
    choices: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.record({
      delta: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({
        content: fc.jsonValue({ maxDepth: 1 }),
        reasoning: fc.jsonValue({ maxDepth: 1 }),
        tool_calls: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.array(fc.record({
          index: fc.jsonValue({ maxDepth: 0 }),
          id: fc.jsonValue({ maxDepth: 0 }),
          function: fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.record({ name: fc.jsonValue({ maxDepth: 0 }), arguments: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })),
        }, { requiredKeys: [] }), { maxLength: 3 })),
      }, { requiredKeys: [] })),
      finish_reason: fc.jsonValue({ maxDepth: 1 }),
    }, { requiredKeys: [] }), { maxLength: 2 })),
    usage: fc.jsonValue({ maxDepth: 2 }),
    error: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 })),
  }, { requiredKeys: [] }),
)

describe('parser fuzzing', () => {
  it('never loses or changes well-formed text, whatever the byte splits and comment lines', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(TEXT, { maxLength: 20 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.boolean(),
      async (pieces, cuts, withComments) => {
        const body = pieces.map(piece => `${withComments ? ': OPENROUTER PROCESSING\n\n' : ''}${contentChunk(piece)}`).join('')
        const { text, events, error } = await consume(splitBytes(encoder.encode(`${body}data: [DONE]\n\n`), cuts))
        expect(error).toBeUndefined()
        expect(text).toBe(pieces.join(''))
        expect(events.at(-1)).toEqual({ type: 'finish', finishReason: null })
      },
    ), { numRuns: PARSER_RUNS.wellFormed })
  })

  it('random bytes: either finishes or throws a ModelError, never anything else', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.array(fc.nat(), { maxLength: 10 }), async (bytes, cuts) => {
      const { error } = await consume(splitBytes(bytes, cuts))
      if (error !== undefined) expect(error).toBeInstanceOf(ModelError)
    }), { numRuns: PARSER_RUNS.garbageBytes })
  })

  it('JSON chunks of any shape: events are well typed, failures are ModelErrors', async () => {
    await fc.assert(fc.asyncProperty(fc.array(WEIRD_CHUNK, { minLength: 1, maxLength: 4 }), async (chunks) => {
      const body = chunks.map(chunk => `data: ${JSON.stringify(chunk ?? null)}\n\n`).join('')
      const { events, error } = await consume([encoder.encode(body)])
      if (error !== undefined) expect(error).toBeInstanceOf(ModelError)
      for (const event of events) {
        if (event.type === 'text-delta' || event.type === 'reasoning-delta') expect(typeof event.text).toBe('string')
        if (event.type === 'tool-call') expect([typeof event.call.name, typeof event.call.arguments, typeof event.call.id]).toEqual(['string', 'string', 'string'])
      }
    }), { numRuns: PARSER_RUNS.garbageJson })
  })

  it('well-formed text before garbage is all yielded before the failure', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(TEXT, { minLength: 1, maxLength: 10 }),
      fc.oneof(fc.string({ maxLength: 40 }).map(text => `data: {${text}\n\n`), WEIRD_CHUNK.map(chunk => `data: ${JSON.stringify(chunk ?? null)}\n\n`)),
      fc.array(fc.nat(), { maxLength: 10 }),
      async (pieces, garbage, cuts) => {
        const body = `${pieces.map(contentChunk).join('')}${garbage}${contentChunk('after')}`
        const { text, error } = await consume(splitBytes(encoder.encode(body), cuts))
        expect(text.startsWith(pieces.join(''))).toBe(true)
        if (error !== undefined) expect(error).toBeInstanceOf(ModelError)
      },
    ), { numRuns: PARSER_RUNS.prefixThenGarbage })
  })
})
