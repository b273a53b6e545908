import { describe, expect, it } from 'vitest'
import { admitRequest } from '../../server/lib/admit-request'
import { MAX_CLIENT_BODY_BYTES } from '../../server/lib/ai-sdk/client-body'
import { MAX_MESSAGE_METADATA_BYTES } from '../../server/lib/ai-sdk/metadata-json'
import { resolveConfig } from '../../server/lib/config'
import type { RegisteredWorkflow } from '../../server/lib/workflows/types'

const config = resolveConfig({ scripted: { enabled: true } })

function registry(names: string[]) {
  const workflows = names.map(name => ({ name }) as RegisteredWorkflow)
  return { get: (name: string) => workflows.find(workflow => workflow.name === name), list: () => workflows }
}

describe('admitRequest', () => {
  it('an unknown workflow is a 400 that lists the workflows the server has', () => {
    const request = { type: 'workflow' as const, workflow: 'nope', input: {} }
    expect(() => admitRequest(request, config, registry(['research-report', 'brainstorm']))).toThrow('Unknown workflow "nope"; this server has: "research-report", "brainstorm"')
    expect(() => admitRequest(request, config, registry([]))).toThrow('Unknown workflow "nope"; this server has: none')
    const many = Array.from({ length: 25 }, (_, index) => `w${index}`)
    expect(() => admitRequest(request, config, registry(many))).toThrow(/"w19" and 5 more$/)
  })

  it('a chat\'s promptMetadata: kept in its JSON form; past 16 KiB or not JSON a 400 naming it (as on the AI SDK route)', () => {
    const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], promptMetadata: { at: new Date(0), skipped: undefined } as unknown }
    admitRequest(request, config, registry([]))
    expect(request).toEqual({ type: 'chat', messages: [{ role: 'user', content: 'hi' }], promptMetadata: { at: '1970-01-01T00:00:00.000Z' } })
    const none = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], promptMetadata: null as unknown }
    admitRequest(none, config, registry([]))
    expect(none).not.toHaveProperty('promptMetadata')
    const large = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], promptMetadata: 'x'.repeat(MAX_MESSAGE_METADATA_BYTES) as unknown }
    expect(() => admitRequest(large, config, registry([]))).toThrow(expect.objectContaining({ statusCode: 400, message: `promptMetadata is ${MAX_MESSAGE_METADATA_BYTES + 2} bytes of JSON, over the ${MAX_MESSAGE_METADATA_BYTES} allowed` }))
    const notJson = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], promptMetadata: { run: () => {} } as unknown }
    expect(() => admitRequest(notJson, config, registry([]))).toThrow('promptMetadata is not JSON-serialisable (a function)')
  })
  it('a chat\'s clientBody (the app\'s AI SDK body fields): kept in its JSON form; past 16 KiB, not an object or with a __proto__ key a 400 naming it', () => {
    const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], clientBody: { at: new Date(0), skipped: undefined } as Record<string, unknown> }
    admitRequest(request, config, registry([]))
    expect(request).toEqual({ type: 'chat', messages: [{ role: 'user', content: 'hi' }], clientBody: { at: '1970-01-01T00:00:00.000Z' } })
    const empty = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], clientBody: {} }
    admitRequest(empty, config, registry([]))
    expect(empty).not.toHaveProperty('clientBody')
    const large = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], clientBody: { notes: 'x'.repeat(MAX_CLIENT_BODY_BYTES) } }
    expect(() => admitRequest(large, config, registry([]))).toThrow(expect.objectContaining({ statusCode: 400, message: `clientBody is ${MAX_CLIENT_BODY_BYTES + 12} bytes of JSON, over the ${MAX_CLIENT_BODY_BYTES} allowed` }))
    const list = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], clientBody: ['x'] as unknown as Record<string, unknown> }
    expect(() => admitRequest(list, config, registry([]))).toThrow('clientBody must be an object of the app\'s fields')
    const proto = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], clientBody: JSON.parse('{"__proto__":{"admin":true}}') as Record<string, unknown> }
    expect(() => admitRequest(proto, config, registry([]))).toThrow('clientBody holds a "__proto__" key')
  })
  it('a chat naming a tool that is not registered is a 400 naming it, with the nearest registered name; registered ones pass', () => {
    const tools = { get: (name: string) => (['get_current_time', 'calculate'].includes(name) ? ({ name }) as never : undefined), list: () => [{ name: 'get_current_time' }, { name: 'calculate' }] as never[] }
    const chat = (names: string[]) => ({ type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }], tools: names })
    expect(() => admitRequest(chat(['calculate', 'get_current_tme']), config, registry([]), tools)).toThrow(expect.objectContaining({ statusCode: 400, message: 'tools: "get_current_tme" is not a registered tool (did you mean "get_current_time"?); GET /api/jobs/catalog lists the tools to pick from' }))
    expect(() => admitRequest(chat(['send_rocket']), config, registry([]), tools)).toThrow('tools: "send_rocket" is not a registered tool; GET /api/jobs/catalog lists the tools to pick from')
    admitRequest(chat(['calculate', 'get_current_time']), config, registry([]), tools)
    admitRequest(chat([]), config, registry([]), tools)
  })
})
