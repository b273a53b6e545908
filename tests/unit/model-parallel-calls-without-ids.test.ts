/**
 * Parallel tool calls that an OpenAI-compatible server streams all at index 0 and without ids
 * (Ollama through some proxies, gateways that translate another API): each call's first fragment
 * names its tool, so a name at an index whose call already has another name, or a new JSON object
 * after a call's arguments are already a whole object, starts a new call. A server that repeats
 * the same name on every fragment of one call (MiniMax through NVIDIA NIM) still gives one call.
 */
import { describe, expect, it } from 'vitest'
import { createChatCompletionParser } from '../../server/lib/model/parse-stream'
import type { ModelEvent } from '../../server/lib/model/types'

const encoder = new TextEncoder()

function chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'c1', model: 'm', choices: [{ index: 0, delta, finish_reason: finishReason }] })}\n\n`
}

function callsOf(text: string): ModelEvent[] {
  const parser = createChatCompletionParser()
  const events = [...parser.feed(encoder.encode(text)), ...parser.end()]
  expect(parser.failure).toBeNull()
  return events.filter(event => event.type === 'tool-call')
}

const call = (id: string, name: string, args: string): ModelEvent => ({ type: 'tool-call', call: { id, name, arguments: args } })

describe('parallel tool calls all at index 0 without ids', () => {
  it('a fragment naming another tool starts a new call', () => {
    const text = chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'get_weather', arguments: '{"city":' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] })
      + chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'get_time', arguments: '' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '{"zone":"UTC"}' } }] }, 'tool_calls')
    expect(callsOf(text)).toEqual([
      call('call_0', 'get_weather', '{"city":"Paris"}'),
      call('call_0_1', 'get_time', '{"zone":"UTC"}'),
    ])
  })

  it('two calls of the same tool: a new object after a whole one starts a new call', () => {
    const text = chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'add_task', arguments: '' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '{"title":"Walk"}' } }] })
      + chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'add_task', arguments: '' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: ' {"title":' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '"Cook"}' } }] }, 'tool_calls')
    expect(callsOf(text)).toEqual([
      call('call_0', 'add_task', '{"title":"Walk"}'),
      call('call_0_1', 'add_task', ' {"title":"Cook"}'),
    ])
  })

  it('each call whole in one fragment, the same tool twice (no index either)', () => {
    const text = chunk({ tool_calls: [{ type: 'function', function: { name: 'add_task', arguments: '{"title":"Walk"}' } }] })
      + chunk({ tool_calls: [{ type: 'function', function: { name: 'add_task', arguments: '{"title":"Cook"}' } }] }, 'tool_calls')
    expect(callsOf(text)).toEqual([
      call('call_0', 'add_task', '{"title":"Walk"}'),
      call('call_0_1', 'add_task', '{"title":"Cook"}'),
    ])
  })

  it('a server that repeats the name on every fragment of one call still gives one call', () => {
    const text = chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'read_file', arguments: '{"path":' } }] })
      + chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'read_file', arguments: '{"a":1}' } }] })
      + chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'read_file', arguments: '}' } }] })
      + chunk({ tool_calls: [{ index: 0, type: 'function', function: { name: 'read_file', arguments: '' } }] }, 'tool_calls')
    expect(callsOf(text)).toEqual([call('call_0', 'read_file', '{"path":{"a":1}}')])
  })

  it('a second name before any arguments (a name sent in pieces) does not start a new call', () => {
    const text = chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_', arguments: '' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { name: 'weather' } }] })
      + chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }, 'tool_calls')
    expect(callsOf(text)).toHaveLength(1)
  })
})
