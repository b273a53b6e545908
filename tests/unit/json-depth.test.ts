/**
 * Request bodies nested too deeply are a 400 naming the limit, before anything walks them: a body
 * a few thousand levels deep with one escaped emoji used to overflow the stack of the Unicode
 * check (a 500), and such a value stored in an event could not be serialised.
 */
import { describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../server/lib/http/json-depth'
import { parseJsonText, RequestError } from '../../server/lib/http/request'

const nested = (depth: number, inner = '1') => '['.repeat(depth) + inner + ']'.repeat(depth)

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false)
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true)
    expect(nestsDeeperThan(`{"text":"${'[{'.repeat(200)}"}`, 1)).toBe(false)
    expect(nestsDeeperThan(`{"text":"a \\" ${'['.repeat(200)}"}`, 1)).toBe(false)
    expect(nestsDeeperThan(`["\\\\",${nested(3)}]`, 3)).toBe(true)
    expect(nestsDeeperThan('"just text"', 0)).toBe(false)
  })

  it('counts siblings at their own level only', () => {
    expect(nestsDeeperThan(`[${Array.from({ length: 1000 }, () => '[[]]').join(',')}]`, 3)).toBe(false)
  })
})

describe('parseJsonText', () => {
  it(`takes ${MAX_JSON_DEPTH} levels`, () => {
    expect(parseJsonText(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array)
  })

  it('refuses one level more with a 400 naming the limit', () => {
    expect(() => parseJsonText(nested(MAX_JSON_DEPTH + 1))).toThrow(expect.objectContaining({ statusCode: 400, message: `body: nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep` }))
  })

  it('a deep body with an escaped surrogate pair is a 400, not a stack overflow in the Unicode check', () => {
    const body = `{"messages":[{"role":"user","content":"\\ud83d\\ude00"}],"x":${nested(20_000)}}`
    let thrown: unknown
    try {
      parseJsonText(body)
    }
    catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(RequestError)
    expect((thrown as RequestError).statusCode).toBe(400)
  })

  it('invalid JSON is still named as such, however deep', () => {
    expect(() => parseJsonText(`${'['.repeat(100)}`)).toThrow('body: is not valid JSON')
  })
})
