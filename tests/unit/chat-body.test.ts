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

describe('tool definitions in the body of a chat job', () => {
  // An app used to the AI SDK's `tools: { name: tool(…) }` or OpenAI's `tools: [{ type: 'function', … }]`
  // read "expected array, received object": nothing said that a request names tools, never defines them.
  it('are refused with a message saying a request names tools and where tools are defined', () => {
    const openAi = [{ type: 'function', function: { name: 'evil', parameters: {} } }]
    const aiSdk = { evil: { description: 'x', inputSchema: {} } }
    for (const tools of [openAi, aiSdk]) {
      expect(() => validate(schema, { messages: [{ role: 'user', content: 'Hi' }], tools }))
        .toThrow(/tool names.*never.*server\/tools\//)
    }
  })

  it('still take a list of names', () => {
    expect(validate(schema, { messages: [{ role: 'user', content: 'Hi' }], tools: ['get_weather'] }).tools).toEqual(['get_weather'])
  })
})

describe('a body that is not a chat job\'s shape', () => {
  // A developer trying the route with curl sent `{ "prompt": … }` or the AI SDK's UI messages and
  // read zod's own "expected array, received undefined" / "expected string, received undefined",
  // which said neither what a chat body looks like nor where UI messages go.
  it('without messages says what a chat body and a workflow body hold', () => {
    for (const body of [{ prompt: 'Hi' }, { message: 'Hi' }, {}]) {
      expect(() => validate(schema, body)).toThrow('messages: is required — a chat job is { "messages": [{ "role": "user", "content": "…" }] }, a workflow job { "workflow": "<name>", "input": { … } }')
    }
  })

  it('with a message without content (the AI SDK\'s UI message, with parts) names the AI SDK route', () => {
    expect(() => validate(schema, { messages: [{ role: 'user', parts: [{ type: 'text', text: 'Hi' }] }] }))
      .toThrow('messages.0.content: is required — the message\'s text as a string; UI messages with `parts` (the AI SDK\'s) go to POST /api/jobs/chat')
  })

  it('keeps zod\'s words for a value of the wrong type', () => {
    expect(() => validate(schema, { messages: 'Hi' })).toThrow('messages: Invalid input: expected array, received string')
    expect(() => validate(schema, { messages: [{ role: 'user', content: 3 }] })).toThrow('messages.0.content: Invalid input: expected string, received number')
  })
})
