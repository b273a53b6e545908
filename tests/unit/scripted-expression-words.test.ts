/**
 * The expression the scripted model sends to calculate when the prompt writes an operator as a
 * word ("5 times 3"). The run used to stop at the word, so calculate got "5" and the demo presented
 * 5 as the answer, backed by a real tool result.
 */
import { describe, expect, it } from 'vitest'
import { planToolSteps } from '../../server/lib/model/scripted-script'

const expressionFor = (prompt: string) => planToolSteps(prompt, new Set(['calculate']))[0]?.[0]?.args.expression

describe('scripted model: operators written as words', () => {
  it.each([
    ['Calculate 5 times 3', '5 * 3'],
    ['calculate 12 multiplied by 7', '12 * 7'],
    ['calculate 100 divided by 8', '100 / 8'],
    ['calculate 2 plus 2 minus 1', '2 + 2 - 1'],
    ['calculate 2 to the power of 10', '2 ^ 10'],
    ['What is (1 + 2) Times 3? Compute it.', '(1 + 2) * 3'],
  ])('%j sends %j', (prompt, expression) => {
    expect(expressionFor(prompt)).toBe(expression)
  })

  it('leaves the words alone when no operand follows', () => {
    expect(expressionFor('calculate 3 times, please')).toBe('3')
  })
})
