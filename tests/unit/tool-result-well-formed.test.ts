/**
 * A tool result holding half of a surrogate pair (app code that cuts text with `slice` through an
 * emoji) is kept as well-formed text (`�` for the lone half), as a store that writes UTF-8 keeps
 * it. Held as it was, it went to AI SDK clients in the tool part's output, and the SDK posts every
 * part back with each later turn: the chat route refused each of those bodies (a lone surrogate is
 * a 400), so the chat could not go on.
 */
import { describe, expect, it } from 'vitest'
import { illFormedTextIn } from '../../server/lib/http/well-formed-text'
import { toolResultFromJson, toolResultJson } from '../../server/lib/executor/tool-result-json'

describe('a tool result with a lone surrogate', () => {
  it('is kept well-formed, so the chat body the AI SDK posts back with it is taken', () => {
    const snippet = 'Nice 😀 day'.slice(0, 6) // "Nice \ud83d"
    const { result } = toolResultFromJson(toolResultJson('fixture_snippet', { snippet, nested: [{ [snippet]: snippet }] }))
    expect(result).toEqual({ snippet: 'Nice \uFFFD', nested: [{ 'Nice \uFFFD': 'Nice \uFFFD' }] })
    // What the SDK posts on the next turn: the tool part with its output, as the stream gave it.
    const body = { id: 'chat', messages: [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'snip it' }] },
      { id: 'job', role: 'assistant', parts: [{ type: 'tool-fixture_snippet', toolCallId: 'c1', state: 'output-available', input: {}, output: result }] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'thanks' }] },
    ] }
    const json = JSON.stringify(body)
    expect(illFormedTextIn(json, JSON.parse(json))).toBeNull()
  })

  it('well-formed text, emoji pairs included, is kept as it is', () => {
    const value = { text: 'Nice 😀 day 👨‍👩‍👧', list: ['é', '\u0301'] }
    expect(toolResultFromJson(toolResultJson('t', value)).result).toEqual(value)
    expect(toolResultJson('t', value)).toBe(JSON.stringify(value))
    // The text of an escape is text, and a backslash before a lone half is kept.
    expect(toolResultFromJson(toolResultJson('t', { text: '\\ud83d', cut: '\\\ud83d' })).result).toEqual({ text: '\\ud83d', cut: '\\\uFFFD' })
  })
})
