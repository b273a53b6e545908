import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { planScriptedTurn, planToolSteps } from '../../server/lib/model/scripted-script'
import type { ModelTool } from '../../server/lib/model/types'

const calculate: ModelTool = { type: 'function', function: { name: 'calculate', description: 'calculate', parameters: { type: 'object' } } }
/** The longest user message a chat job accepts. */
const MAX_CHARS = resolveConfig({}).limits.maxMessageChars

describe('the scripted model and the longest prompts a job accepts', () => {
  // Finding the expression after "calculate" backtracked over every split of a whitespace run between
  // the spaces after the word and the expression: quadratic, about 11 s of blocked event loop for
  // one 100,000-character message (every round of the job plans again).
  it('finds no expression after "calculate" and a run of whitespace in linear time', { timeout: 2000 }, () => {
    const prompt = `calculate${' '.repeat(MAX_CHARS - 10)}x`
    expect(planToolSteps(prompt, new Set(['calculate']))).toEqual([[{ name: 'calculate', args: { expression: '6 * 7' } }]])
    const turn = planScriptedTurn({ messages: [{ role: 'user', content: prompt }], tools: [calculate] })
    expect(turn.calls).toEqual([{ name: 'calculate', args: { expression: '6 * 7' } }])
  })

  it('drops a sentence\'s closing full stops in linear time, even after a long run of dots', { timeout: 2000 }, () => {
    const dots = '.'.repeat(MAX_CHARS - 20)
    const steps = planToolSteps(`calculate 1${dots} 2`, new Set(['calculate']))
    expect(steps[0]![0]!.args.expression).toBe(`1${dots} 2`)
    expect(planToolSteps(`calculate 1 + 2${dots}`, new Set(['calculate']))).toEqual([[{ name: 'calculate', args: { expression: '1 + 2' } }]])
  })

  it('looks for an expression elsewhere in linear time', { timeout: 2000 }, () => {
    const calculate = new Set(['calculate'])
    for (const filler of [' .', '-', '( ', 'calculate ', 'calculate: -', '. ']) {
      const prompt = `calculate it ${filler.repeat(Math.floor((MAX_CHARS - 20) / filler.length))}`
      expect(planToolSteps(prompt, calculate)).toEqual([[{ name: 'calculate', args: { expression: '6 * 7' } }]])
    }
  })

  it('still reads the expression after spaces and line breaks', () => {
    expect(planToolSteps('please calculate \n\t (2 + 3) * 4.5. thanks', new Set(['calculate']))).toEqual([[{ name: 'calculate', args: { expression: '(2 + 3) * 4.5' } }]])
    expect(planToolSteps('calculate (x) now', new Set(['calculate']))).toEqual([[{ name: 'calculate', args: { expression: '6 * 7' } }]])
  })
})
