/**
 * A tool that throws something that is not an Error and tells nothing — `throw ''`, a client's
 * `{ code, message: '' }` — reads `it threw an empty string` / `it threw a value with no message`
 * in-process. Isolated, the worker reduced it to an Error named `Error` with an empty message, so
 * the model read `it threw an Error with no message` instead, though docs/tools.md promises the
 * same `Tool "x" failed: …` on both sides. Both go through what a worker sends for a throw.
 */
import { describe, expect, it } from 'vitest'
import { ToolExecutionError } from '../../server/lib/executor/tool-errors'
import { deserializeError, serializeError } from '../../server/lib/isolation/protocol'

/** The call's error as an isolated tool's throw of `thrown` reads on the server. */
function isolatedMessage(thrown: unknown): string {
  return new ToolExecutionError('lookup', deserializeError(serializeError(thrown))).message
}

describe('an isolated tool that throws a value with no message, not an Error', () => {
  it('reads as it does in-process', () => {
    for (const thrown of ['', '  ', { message: ' ' }, { code: 'ECONNRESET', message: '' }]) {
      expect(isolatedMessage(thrown)).toBe(new ToolExecutionError('lookup', thrown).message)
    }
    expect(isolatedMessage('')).toBe('Tool "lookup" failed: it threw an empty string')
    expect(isolatedMessage({ code: 'ECONNRESET', message: '' })).toBe('Tool "lookup" failed: it threw a value with no message (code ECONNRESET)')
  })

  it('keeps an Error\'s own name and code, and a message that says something', () => {
    expect(isolatedMessage(new RangeError())).toBe('Tool "lookup" failed: it threw a RangeError with no message')
    expect(isolatedMessage(Object.assign(new Error(''), { code: 'EPIPE' }))).toBe('Tool "lookup" failed: it threw an Error with no message (code EPIPE)')
    expect(isolatedMessage('boom')).toBe('Tool "lookup" failed: boom')
    expect(serializeError({ code: 'ECONNRESET', message: '' }).code).toBe('ECONNRESET')
  })
})
