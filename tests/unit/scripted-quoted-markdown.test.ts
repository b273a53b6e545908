/**
 * What the scripted model quotes (the prompt, a tool result) shows as written once the answer is
 * rendered as Markdown: "2*3*4" used to become 2<em>3</em>4, so the demo showed
 * "expression: 234, result: 24".
 */
import { describe, expect, it } from 'vitest'
import { renderMarkdown } from '../../demo/app/lib/markdown'
import type { ChatMessage } from '../../server/lib/providers/types'
import { planScriptedTurn } from '../../server/lib/model/scripted-script'

const user = (content: string): ChatMessage => ({ role: 'user', content })
const textOf = (html: string) => html.replace(/<[^>]*>/g, '').replace(/&amp;/g, '&')

describe('scripted model: quoted text keeps its emphasis characters', () => {
  it('shows a tool result as the tool returned it', () => {
    const messages: ChatMessage[] = [
      user('calculate 2*3*4'),
      { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'calculate', arguments: '{"expression":"2*3*4"}' } }] },
      { role: 'tool', tool_call_id: 'c1', name: 'calculate', content: '{"expression":"2*3*4","result":24}' },
    ]
    const html = renderMarkdown(planScriptedTurn({ messages }).text)
    expect(html).not.toContain('<em>')
    expect(textOf(html)).toContain('expression: 2*3*4, result: 24')
  })

  it('echoes the prompt as typed, in the answer and in the reasoning', () => {
    const prompt = 'is 2*3*4 = __init__ or ~~x~~ or \\*?'
    const turn = planScriptedTurn({ messages: [user(prompt)] })
    for (const text of [turn.text, turn.reasoning.join('')]) {
      const html = renderMarkdown(text)
      expect(html).not.toMatch(/<(em|strong|s)>/)
      expect(textOf(html)).toContain(`“${prompt}”`)
    }
  })

  it('leaves text without emphasis as it was', () => {
    const turn = planScriptedTurn({ messages: [user('What is 12 * 7, my_var?')] })
    expect(turn.text).toContain('You said: “What is 12 * 7, my_var?”.')
  })
})
