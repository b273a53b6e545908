/**
 * An upstream may escape an emoji as a JSON surrogate pair (`\ud83d\ude00`) and cut its deltas
 * between the two halves. Each text or reasoning delta the parser hands on is whole text (its
 * events are stored and sent one by one, and a half becomes `�` wherever it is written as UTF-8),
 * and the joined text is exactly what the upstream sent.
 */
import { describe, expect, it } from 'vitest'
import { parseChatCompletionStream } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'
import { isWellFormedText } from '../../shared/lone-surrogate'

/** A content or reasoning chunk whose JSON string literal is given raw (so a half can be escaped alone). */
function rawChunk(field: 'content' | 'reasoning', literal: string): string {
  return `data: {"choices":[{"index":0,"delta":{"${field}":"${literal}"},"finish_reason":null}]}\n\n`
}

async function parse(frames: string[]): Promise<ModelEvent[]> {
  const bytes = new TextEncoder().encode(frames.join(''))
  const events: ModelEvent[] = []
  // One byte per piece: UTF-8 sequences are cut too.
  async function* source() {
    for (let index = 0; index < bytes.length; index++) yield bytes.subarray(index, index + 1)
  }
  for await (const event of parseChatCompletionStream(source())) events.push(event)
  return events
}

function texts(events: ModelEvent[], type: 'text-delta' | 'reasoning-delta'): string[] {
  return events.flatMap(event => (event.type === type ? [event.text] : []))
}

describe('a surrogate pair split across deltas', () => {
  it('goes out whole, with the next delta, in text and in reasoning', async () => {
    const events = await parse([
      rawChunk('reasoning', 'think \\ud83e'),
      rawChunk('content', 'hi \\ud83d'),
      rawChunk('reasoning', '\\udd14 done'),
      rawChunk('content', '\\ude00'),
      rawChunk('content', ' \\ud83c'),
      rawChunk('content', '\\udf89 end'),
      'data: [DONE]\n\n',
    ])
    const text = texts(events, 'text-delta')
    const reasoning = texts(events, 'reasoning-delta')
    expect(text.join('')).toBe('hi 😀 🎉 end')
    expect(reasoning.join('')).toBe('think 🤔 done')
    for (const piece of [...text, ...reasoning]) expect(isWellFormedText(piece), JSON.stringify(piece)).toBe(true)
    expect(text).toEqual(['hi ', '😀', ' ', '🎉 end'])
  })

  it('a half that never gets its pair still goes out, as sent, before the finish', async () => {
    const events = await parse([rawChunk('content', 'a\\ud83d'), 'data: [DONE]\n\n'])
    expect(events).toEqual([
      { type: 'text-delta', text: 'a' },
      { type: 'text-delta', text: '\ud83d' },
      { type: 'finish', finishReason: null },
    ])
  })

  it('a lone low surrogate passes through unchanged', async () => {
    const events = await parse([rawChunk('content', '\\ude00b'), 'data: [DONE]\n\n'])
    expect(texts(events, 'text-delta')).toEqual(['\ude00b'])
  })
})
