/**
 * A "fail" prompt taken over with recovery.chat = continue: the continuation still ends with the
 * error chunk at the same place in the whole answer, instead of finishing as if it had succeeded.
 */
import { describe, expect, it } from 'vitest'
import { planScriptedTurn } from '../../server/lib/model/scripted-script'

const user = { role: 'user' as const, content: 'Write something, then fail' }

describe('scripted model: a failing answer continued from a prefill', () => {
  it('still fails at the same point of the whole answer', () => {
    const whole = planScriptedTurn({ messages: [user] })
    expect(whole.failAfterChars).toBeGreaterThan(10)
    const continued = planScriptedTurn({ messages: [user, { role: 'assistant', content: whole.text.slice(0, 10) }] })
    expect(continued.text).toBe(whole.text.slice(10))
    expect(continued.failAfterChars).toBe(whole.failAfterChars! - 10)
  })

  it('fails at once when the stored text already reaches the failure point', () => {
    const whole = planScriptedTurn({ messages: [user] })
    const stored = whole.text.slice(0, whole.failAfterChars! + 5)
    const continued = planScriptedTurn({ messages: [user, { role: 'assistant', content: stored }] })
    expect(continued.failAfterChars).toBe(0)
  })
})
