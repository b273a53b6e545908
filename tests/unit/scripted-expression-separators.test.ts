/**
 * The expression the scripted model sends to calculate when the prompt writes a product with the
 * letter x or a number with thousands separators. The run used to stop at the "x" or the ",", so
 * calculate got "12" or "1" and the demo presented that as the answer, backed by a real tool result.
 */
import { describe, expect, it } from 'vitest'
import { planToolSteps } from '../../server/lib/model/scripted-script'

const expressionFor = (prompt: string) => planToolSteps(prompt, new Set(['calculate']))[0]?.[0]?.args.expression

describe('scripted model: the letter x and thousands separators in an expression', () => {
  it.each([
    ['calculate 12 x 7', '12 * 7'],
    ['Calculate 12x7', '12 * 7'],
    ['calculate (2 + 3) X 4', '(2 + 3) * 4'],
    ['calculate 1,000 * 3', '1000 * 3'],
    ['compute 2,500,000 / 1,000', '2500000 / 1000'],
    ['What is 3 x 4? Calculate it.', '3 * 4'],
  ])('%j sends %j', (prompt, expression) => {
    expect(expressionFor(prompt)).toBe(expression)
  })

  it('keeps a comma between digits that is not a thousands separator, so calculate refuses it', () => {
    // "3,5" may be a decimal comma or a list: sending "3" would answer 3, which is never right.
    expect(expressionFor('calculate 3,5 + 1')).toBe('3,5 + 1')
  })

  it('leaves a comma that ends a clause alone', () => {
    expect(expressionFor('calculate 2 + 3, then explain')).toBe('2 + 3')
  })
})
