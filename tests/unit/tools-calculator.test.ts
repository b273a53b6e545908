import { describe, expect, it } from 'vitest'
import { ArithmeticError, evaluateArithmetic, MAX_NESTING_DEPTH } from '../../demo/server/lib/arithmetic'

describe('evaluateArithmetic', () => {
  it.each([
    ['2+3', 5],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 4 - 3', 3],
    ['100 / 10 / 5', 2],
    ['7 % 4', 3],
    ['2 ^ 3 ^ 2', 512],
    ['-2 ^ 2', -4],
    ['(-2) ^ 2', 4],
    ['2 ^ -1', 0.5],
    ['--3', 3],
    ['+4 - -4', 8],
    ['1.5 * .5', 0.75],
    ['3.', 3],
    ['  12 *   7 ', 84],
    ['2 * (3 + (4 - 1)) / 3', 4],
  ])('%s = %s', (expression, expected) => {
    expect(evaluateArithmetic(expression)).toBe(expected)
  })

  it.each([
    ['', /empty/],
    ['2 +', /ended where a number was expected/],
    ['(1 + 2', /Missing "\)"/],
    ['1 + 2)', /Unexpected "\)" at position 6/],
    ['1 / 0', /Division by zero at position 3/],
    ['5 % 0', /Division by zero/],
    ['10 ^ 400', /not a finite number/],
    ['1 2', /Unexpected "2"/],
    ['1..2', /Unexpected "\."/],
  ])('rejects %j', (expression, message) => {
    expect(() => evaluateArithmetic(expression)).toThrow(ArithmeticError)
    expect(() => evaluateArithmetic(expression)).toThrow(message)
  })

  it('names a character outside the BMP whole, never half of its surrogate pair', () => {
    expect(() => evaluateArithmetic('1 + 😀')).toThrow('Unexpected "😀" at position 5')
    expect(() => evaluateArithmetic('2 😀')).toThrow('Unexpected "😀" at position 3')
  })

  it('never runs code: names, calls and JavaScript syntax are refused', () => {
    const globals = globalThis as Record<string, unknown>
    for (const expression of ['process.exit(1)', 'globalThis.hacked = 1', 'constructor', '(() => 1)()', '1; 2', '`1`', '2 ** 3', 'Math.max(1, 2)']) {
      expect(() => evaluateArithmetic(expression), expression).toThrow(ArithmeticError)
    }
    expect(globals.hacked).toBeUndefined()
  })

  it('limits nesting depth and length instead of overflowing the stack', () => {
    const deep = `${'('.repeat(MAX_NESTING_DEPTH + 1)}1${')'.repeat(MAX_NESTING_DEPTH + 1)}`
    expect(() => evaluateArithmetic(deep)).toThrow(/nested more than/)
    expect(() => evaluateArithmetic('-'.repeat(500) + '1')).toThrow(/nested more than/)
    expect(() => evaluateArithmetic('1+'.repeat(600) + '1')).toThrow(/longer than/)
    expect(evaluateArithmetic(`${'('.repeat(MAX_NESTING_DEPTH)}1${')'.repeat(MAX_NESTING_DEPTH)}`)).toBe(1)
  })
})
