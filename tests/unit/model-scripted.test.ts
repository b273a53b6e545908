import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { resolveConfig, SCRIPTED_MODEL } from '../../server/lib/config'
import type { ChatMessage } from '../../server/lib/providers/types'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import { UpstreamStreamError } from '../../server/lib/model/errors'
import { createScriptedFetch } from '../../server/lib/model/scripted-model'
import { planScriptedTurn, planToolSteps, SCRIPTED_LABEL } from '../../server/lib/model/scripted-script'
import { continuationMessages } from '../../server/lib/executor/continuation'
import type { JobState } from '../../shared/reducer'
import type { ModelEvent, ModelTool, ModelToolCall } from '../../server/lib/model/types'

const config = resolveConfig({ scripted: { enabled: true, chunkIntervalMs: 40, chunkChars: 6 } })

function tool(name: string): ModelTool {
  return { type: 'function', function: { name, description: name, parameters: { type: 'object' } } }
}
const TOOLS = ['get_current_time', 'calculate', 'slow_task', 'delete_file', 'lookup_weather'].map(tool)

interface Round {
  events: ModelEvent[]
  text: string
  reasoning: string
  calls: ModelToolCall[]
  error: unknown
}

/** Runs one scripted round through the real client and parser, moving fake time until it ends. */
async function round(messages: ChatMessage[], tools?: ModelTool[]): Promise<Round> {
  const client = createModelClientFromConfig(config)
  const events: ModelEvent[] = []
  let error: unknown
  const finished = (async () => {
    try {
      for await (const event of client.stream({ model: 'any', messages, tools }, new AbortController().signal)) events.push(event)
    }
    catch (caught) {
      error = caught
    }
  })()
  await vi.runAllTimersAsync()
  await finished
  return {
    events,
    error,
    text: events.map(event => event.type === 'text-delta' ? event.text : '').join(''),
    reasoning: events.map(event => event.type === 'reasoning-delta' ? event.text : '').join(''),
    calls: events.flatMap(event => event.type === 'tool-call' ? [event.call] : []),
  }
}

const user = (content: string): ChatMessage => ({ role: 'user', content })

/** The messages after a tool step: the assistant's calls and one result per call. */
function afterTools(messages: ChatMessage[], calls: ModelToolCall[], results: string[]): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: null, tool_calls: calls.map(call => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) },
    ...calls.map((call, index) => ({ role: 'tool' as const, tool_call_id: call.id, content: results[index]! })),
  ]
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  expect(vi.getTimerCount()).toBe(0)
  vi.useRealTimers()
})

describe('scripted model: text answers', () => {
  it('is chosen without an API key, labelled, deterministic, and echoes the prompt after short reasoning', async () => {
    expect(createModelClientFromConfig(config).scripted).toBe(true)
    const first = await round([user('Tell me about background jobs 🚀')])
    const second = await round([user('Tell me about background jobs 🚀')])
    expect(first.error).toBeUndefined()
    expect(first.text).toBe(second.text)
    // Labelled in its reasoning, not in the answer (a workflow would repeat it in every output).
    expect(first.reasoning.startsWith(SCRIPTED_LABEL)).toBe(true)
    expect(first.text).not.toContain(SCRIPTED_LABEL)
    expect(first.text).toContain('Tell me about background jobs 🚀')
    expect(first.text.length).toBeGreaterThanOrEqual(300)
    expect(first.text.length).toBeLessThanOrEqual(700)
    expect(first.events[0]!.type).toBe('reasoning-delta')
    expect(first.reasoning.length).toBeLessThan(300)
    expect(first.events.filter(event => event.type === 'text-delta').length).toBeGreaterThan(20)
    expect(first.events.at(-2)).toMatchObject({ type: 'usage' })
    expect(first.events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' })
  })

  it('writes about 3000 characters when asked for something long', async () => {
    const { text } = await round([user('Write something long please')])
    expect(text.length).toBeGreaterThan(2500)
    expect(text.length).toBeLessThan(3600)
  })

  it('answers with a table and a code block when asked for markdown', async () => {
    const { text } = await round([user('Show me some markdown')])
    expect(text).toContain('| memory | no | no |')
    expect(text).toContain('```ts\n')
  })

  it('labels only the first answer of a conversation', async () => {
    const { text, reasoning } = await round([user('Hi'), { role: 'assistant', content: 'Hello!' }, user('Again')])
    expect(reasoning).not.toContain(SCRIPTED_LABEL)
    expect(text).toContain('Again')
  })

  it('answers with text when the asked-for tools are not offered', async () => {
    const { calls, text } = await round([user('What time is it?')], [tool('calculate')])
    expect(calls).toEqual([])
    expect(text).toContain('What time is it?')
  })

  it('suggests only the tools that were offered: an app is never pointed at the demo\'s tools', () => {
    const answer = (tools?: ModelTool[]) => planScriptedTurn({ messages: [user('Hello')], tools }).text
    expect(answer(TOOLS.slice(0, 4))).toContain('To see tools at work, ask for the time, ask it to calculate 12 * 7, ask for something slow, or ask it to delete a file (that one waits for your approval).')
    const app = answer([tool('publish_post'), tool('stock_lookup')])
    expect(app).toContain('To see tools at work, name a tool in your message (publish_post, stock_lookup).')
    for (const demoAsk of ['the time', 'calculate', 'slow', 'delete']) expect(app).not.toContain(demoAsk)
    expect(answer([tool('calculate')])).toContain('To see tools at work, ask it to calculate 12 * 7.')
    const none = answer(undefined)
    expect(none).not.toContain('tools at work')
    expect(none.endsWith('still growing.')).toBe(true)
    expect(answer([])).toBe(none)
  })

  it('sends an error chunk after some text when the prompt asks it to fail', async () => {
    const { text, error } = await round([user('Please fail now')])
    expect(error).toBeInstanceOf(UpstreamStreamError)
    expect(text.length).toBeGreaterThan(0)
    expect(text.length).toBeLessThan(400)
  })

  it('stops promptly when the request aborts', async () => {
    const client = createModelClientFromConfig(config)
    const controller = new AbortController()
    const events: ModelEvent[] = []
    let error: unknown
    const finished = (async () => {
      try {
        for await (const event of client.stream({ model: 'any', messages: [user('Write something long')] }, controller.signal)) events.push(event)
      }
      catch (caught) {
        error = caught
      }
    })()
    await vi.advanceTimersByTimeAsync(400)
    controller.abort()
    await finished
    expect((error as DOMException).name).toBe('AbortError')
    expect(events.length).toBeGreaterThan(0)
    expect(events.length).toBeLessThan(15)
  })
})

describe('scripted model: tools', () => {
  it('runs time, then calculate, then quotes both results', async () => {
    const messages = [user('What time is it, and calculate 12 * 7?')]
    const step1 = await round(messages, TOOLS)
    expect(step1.calls.map(call => [call.name, call.arguments])).toEqual([['get_current_time', '{}']])
    expect(step1.events.at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' })
    expect(step1.text).toBe('')

    const afterStep1 = afterTools(messages, step1.calls, ['2030-01-02T03:04:05Z'])
    const step2 = await round(afterStep1, TOOLS)
    expect(step2.calls.map(call => [call.name, JSON.parse(call.arguments)])).toEqual([['calculate', { expression: '12 * 7' }]])
    expect(step2.calls[0]!.id).not.toBe(step1.calls[0]!.id)

    const step3 = await round(afterTools(afterStep1, step2.calls, ['84']), TOOLS)
    expect(step3.calls).toEqual([])
    expect(step1.reasoning.startsWith(SCRIPTED_LABEL)).toBe(true)
    expect(step3.reasoning).not.toContain(SCRIPTED_LABEL)
    expect(step3.text).toContain('get_current_time')
    expect(step3.text).toContain('2030-01-02T03:04:05Z')
    expect(step3.text).toContain('84')
  })

  it('quotes a JSON result as words, not as JSON inside a sentence', async () => {
    const messages = [user('calculate 12 * 7')]
    const step1 = await round(messages, TOOLS)
    const { text } = await round(afterTools(messages, step1.calls, ['{"expression":"12 * 7","result":84}']), TOOLS)
    expect(text).toContain('**calculate** — expression: 12 * 7, result: 84')
    expect(text).not.toContain('{')
  })

  it('quotes an array of strings as its count and first items, without JSON quotes (crawl_site\'s pages)', async () => {
    const messages = [user('calculate 12 * 7')]
    const step1 = await round(messages, TOOLS)
    const pages = Array.from({ length: 8 }, (_, index) => `Page ${index + 1} of https://example.com/`)
    const { text } = await round(afterTools(messages, step1.calls, [JSON.stringify({ url: 'https://example.com/', pages, depth: [{ level: 1 }] })]), TOOLS)
    expect(text).toContain('**calculate** — url: https://example.com/, pages: 8 items: Page 1 of https://example.com/, Page 2 of https://example.com/, Page 3 of https://example.com/, …, depth: 1 item: {"level":1}')
    expect(text).not.toContain('["')
    expect(text).not.toContain('Page 4')
  })

  it('calls two tools in one step when asked for both', async () => {
    const { calls } = await round([user('Give me both the time and compute 2 + 3')], TOOLS)
    expect(calls.map(call => call.name)).toEqual(['get_current_time', 'calculate'])
    expect(JSON.parse(calls[1]!.arguments)).toEqual({ expression: '2 + 3' })
  })

  it('calls slow_task, delete_file and app-defined tools named in the prompt', async () => {
    expect((await round([user('Run something slow')], TOOLS)).calls.map(call => [call.name, JSON.parse(call.arguments)]))
      .toEqual([['slow_task', { seconds: 2 }]])
    expect((await round([user('Delete my notes')], TOOLS)).calls.map(call => [call.name, JSON.parse(call.arguments)]))
      .toEqual([['delete_file', { path: 'notes.txt' }]])
    expect((await round([user('Use lookup_weather for Paris')], TOOLS)).calls.map(call => [call.name, JSON.parse(call.arguments)]))
      .toEqual([['lookup_weather', {}]])
  })

  it('calls crawl_site, the demo tool that reports its progress, when asked to crawl', async () => {
    expect((await round([user('Crawl the docs site')], [...TOOLS, tool('crawl_site')])).calls.map(call => [call.name, JSON.parse(call.arguments)]))
      .toEqual([['crawl_site', {}]])
    expect(planToolSteps('Crawl the docs site', new Set(TOOLS.map(offered => offered.function.name)))).toEqual([])
  })

  it('calls deploy_site, the demo tool that needs approval and reports its progress, when asked to deploy', async () => {
    expect((await round([user('Deploy my site')], [...TOOLS, tool('deploy_site')])).calls.map(call => [call.name, JSON.parse(call.arguments)]))
      .toEqual([['deploy_site', {}]])
    expect(planToolSteps('Deploy my site', new Set(TOOLS.map(offered => offered.function.name)))).toEqual([])
  })
})

describe('scripted model: wire format', () => {
  it('speaks OpenAI SSE: a labelled comment first, the scripted model name, usage, [DONE]', async () => {
    const fetch = createScriptedFetch({ chunkIntervalMs: 10, chunkChars: 4 })
    const response = await fetch('http://x/v1/chat/completions', { method: 'POST', body: JSON.stringify({ messages: [user('Hi')] }) })
    const textPromise = response.text()
    await vi.runAllTimersAsync()
    const body = await textPromise
    expect(response.headers.get('content-type')).toBe('text/event-stream')
    expect(body.startsWith(': SCRIPTED MODEL\n\n')).toBe(true)
    expect(body).toContain(`"model":"${SCRIPTED_MODEL}"`)
    expect(body).toContain('"usage":{"prompt_tokens"')
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true)
  })

  it('uses the real upstream and the given fetch when an API key is set', async () => {
    const fetch = vi.fn(async () => new Response('data: [DONE]\n\n', { status: 200 }))
    const client = createModelClientFromConfig(resolveConfig({ upstream: { apiKey: 'sk-test', baseUrl: 'http://up.test/v1' } }), { fetch })
    expect(client.scripted).toBe(false)
    const events: ModelEvent[] = []
    for await (const event of client.stream({ model: 'm', messages: [user('x')] }, new AbortController().signal)) events.push(event)
    expect(events).toEqual([{ type: 'finish', finishReason: null }])
    expect(fetch).toHaveBeenCalledWith('http://up.test/v1/chat/completions', expect.objectContaining({ method: 'POST' }))
  })
})

describe('scripted model: reading the prompt', () => {
  it('leaves a sentence\'s closing full stop out of the expression, keeps decimals', () => {
    const offered = new Set(['calculate'])
    expect(planToolSteps('Please calculate 2+3.', offered)).toEqual([[{ name: 'calculate', args: { expression: '2+3' } }]])
    expect(planToolSteps('calculate 1.5*2', offered)).toEqual([[{ name: 'calculate', args: { expression: '1.5*2' } }]])
  })

  // A tool was called when its name appeared anywhere, even inside a word: an app's `search` tool
  // ran (with sample arguments) for "Tell me about research".
  it('calls an app\'s tool only when its name stands alone, not inside a longer word', () => {
    const offered = new Set(['search', 'lookup-order'])
    expect(planToolSteps('Tell me about research, and the lookup-orders page', offered)).toEqual([])
    expect(planToolSteps('Use search, then lookup-order.', offered)).toEqual([[{ name: 'search', args: {} }], [{ name: 'lookup-order', args: {} }]])
  })

  // Only a run right after "calculate " was read: "Calculate: 12 * 7" and "What is 12 * 7? Calculate
  // it." both calculated 6 * 7 and answered 42.
  it.each([
    ['Calculate: 12 * 7', '12 * 7'],
    ['compute = (2 + 3) * 4', '(2 + 3) * 4'],
    ['What is 12 * 7? Calculate it.', '12 * 7'],
    ['Hi. What is (2 + 3) * 4? Please compute it', '(2 + 3) * 4'],
    ['I have 3 cats. Calculate 2 + 2.', '2 + 2'],
    ['calculate something for me', '6 * 7'],
    ['calculate 12 × 7 − 10 ÷ 4', '12 * 7 - 10 / 4'],
  ])('finds the expression in %j', (prompt, expression) => {
    expect(planToolSteps(prompt, new Set(['calculate']))).toEqual([[{ name: 'calculate', args: { expression } }]])
  })
})

describe('scripted model: an app\'s tool named in the prompt', () => {
  // What the registry offers the model: the input side of the tool's zod parameters.
  const offer = (name: string, parameters: z.ZodObject): ModelTool => {
    const { $schema: _schema, ...schema } = z.toJSONSchema(parameters, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>
    return { type: 'function', function: { name, description: name, parameters: schema } }
  }

  it('gets sample arguments its own schema accepts, so a tool with required parameters runs offline', async () => {
    const schemas = {
      // docs/tools.md's get_weather
      get_weather: z.object({ city: z.string().describe('City name') }),
      book_room: z.object({
        hotel: z.string().min(12),
        nights: z.number().int().min(2),
        rate: z.number().gt(50),
        breakfast: z.boolean(),
        view: z.enum(['sea', 'garden']),
        guests: z.array(z.object({ name: z.string() })).min(1),
        address: z.object({ street: z.string(), zip: z.string().optional() }),
        note: z.string().optional(),
        currency: z.string().default('EUR'),
        pet: z.string().nullable(),
      }),
      ping: z.object({}),
    }
    const tools = Object.entries(schemas).map(([name, parameters]) => offer(name, parameters))
    for (const [name, parameters] of Object.entries(schemas)) {
      const { calls } = await round([user(`Use ${name} now`)], tools)
      expect(calls.map(call => call.name)).toEqual([name])
      const args = JSON.parse(calls[0]!.arguments)
      expect(parameters.safeParse(args).error).toBeUndefined()
    }
    const { calls } = await round([user('Use get_weather now')], tools)
    expect(JSON.parse(calls[0]!.arguments)).toEqual({ city: 'example' })
  })
})

describe('scripted model: continuing a prefill (a job taken over with recovery.chat = continue)', () => {
  it('goes on after a trailing assistant message, so the two parts make the whole answer once', () => {
    const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Tell me about lighthouses' }] }
    const whole = planScriptedTurn({ messages: request.messages }).text
    const stored = whole.slice(0, 40)
    const messages = continuationMessages(request, { content: stored, toolCalls: [] } as unknown as JobState, 50_000)
    expect(messages.at(-1)).toEqual({ role: 'assistant', content: stored })
    const rest = planScriptedTurn({ messages })
    expect(stored + rest.text).toBe(whole)
    expect(rest.calls).toEqual([])
    expect(continuationMessages(request, null, 50_000)).toBe(request.messages)
  })
})
