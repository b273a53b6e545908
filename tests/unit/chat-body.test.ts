import { describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { validate } from '../../server/lib/http/request'
import { chatJobBodySchema } from '../../server/lib/http/schemas'

const schema = chatJobBodySchema(DEFAULT_CONFIG)

describe('the body of a chat job', () => {
  it('refuses a blank user message, naming it', () => {
    for (const content of ['', '  \n ']) {
      expect(() => validate(schema, { messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }, { role: 'user', content }] }))
        .toThrow('messages.2.content: must not be empty: a user message needs text')
    }
  })

  it('takes an assistant or system message without text (a tool-calls-only turn, an empty prompt)', () => {
    const parsed = validate(schema, { messages: [{ role: 'system', content: '' }, { role: 'user', content: 'Hi' }, { role: 'assistant', content: '' }, { role: 'user', content: 'Go on' }] })
    expect(parsed.messages).toHaveLength(4)
  })
})
