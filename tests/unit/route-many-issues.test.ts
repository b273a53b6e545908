/**
 * A body with thousands of wrong values gets a 400 naming the first few problems and how many more
 * there are — not one line per problem. The AI SDK route takes any number of messages (up to
 * `limits.maxChatBodyBytes`), so `{"id":"c","messages":[1,1,1,…]}` listed every message: a 3 MB
 * body came back as a 99 MB error after 10 s of work.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { describeIssues, MAX_DESCRIBED_ISSUES } from '../../server/lib/describe-issues'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const done = { done: { kind: 'output', value: 'ok' } }
const app = useServedRoutes({ workflows: createWorkflowRegistry([
  { name: 'strict', description: 'takes a topic and nothing else', input: z.strictObject({ topic: z.string() }), nodes: done, edges: [] },
  { name: 'scores', description: 'takes scores by name', input: z.record(z.string(), z.number()), nodes: done, edges: [] },
]) })

describe('a body with many problems', () => {
  it('POST /api/jobs/chat with 20,000 messages that are not objects: a 400 naming the first 10, the rest not all checked (chat-body-bounded-check)', async () => {
    const messages = `[${Array.from({ length: 20_000 }, () => '1').join(',')}]`
    const response = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: `{"id":"c","messages":${messages}}` })
    expect(response.status).toBe(400)
    const text = await response.text()
    expect(text.length).toBeLessThan(2000)
    const { message } = JSON.parse(text) as { message: string }
    expect(message.startsWith('messages.0: Invalid input: expected object, received number; messages.1: ')).toBe(true)
    expect(message.endsWith('messages.9: Invalid input: expected object, received number; and at least 90 more problems (not all checked)')).toBe(true)
  })

  it('describeIssues lists every problem up to the cap, and counts the rest past it', () => {
    const few = z.array(z.string()).safeParse(Array.from({ length: MAX_DESCRIBED_ISSUES }, () => 1))
    expect(describeIssues(few.error!).split('; ')).toHaveLength(MAX_DESCRIBED_ISSUES)
    const many = z.array(z.string()).safeParse(Array.from({ length: MAX_DESCRIBED_ISSUES + 1 }, () => 1))
    expect(describeIssues(many.error!)).toMatch(/; and 1 more problem$/)
  })
})

describe('a value of the wrong type', () => {
  it.each([
    ['/api/jobs', { messages: [{ role: 'user', content: 'a' }], threadId: Array.from({ length: 201 }, () => 1) }, 'threadId: Invalid input: expected string, received array'],
    ['/api/jobs', { messages: [{ role: 'user', content: Array.from({ length: 100_001 }, () => 1) }] }, 'messages.0.content: Invalid input: expected string, received array'],
    ['/api/jobs/nope/input', { requestId: Array.from({ length: 201 }, () => 1), answer: 1 }, 'requestId: Invalid input: expected string, received array'],
  ])('POST %s: a 400 saying only what type was expected, not a length limit of a list the field cannot be', async (path, body, expected) => {
    const response = await fetch(`${app.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: JSON.stringify(body) })
    expect(response.status).toBe(400)
    expect((await response.json() as { message: string }).message).toBe(expected)
  })
})

describe('a problem under a key the client chose', () => {
  const key = 'k'.repeat(100_000)
  it.each([
    ['an unknown key of a strict input', 'strict', { topic: 'a', [key]: 1 }, `Invalid workflow input: input: Unrecognized key: "${'k'.repeat(100)}`],
    ['a record entry of the wrong type', 'scores', { [key]: 'x' }, `Invalid workflow input: input.${'k'.repeat(100)}`],
  ])('%s: a 400 quoting the key cut, not 100 KB of it', async (_case, workflow, input, start) => {
    const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow, input }) })
    expect(response.status).toBe(400)
    const text = await response.text()
    const { message } = JSON.parse(text) as { message: string }
    expect(message.startsWith(start)).toBe(true)
    expect(message).toMatch(/… \(100\d{3} characters\)/)
    expect(text.length).toBeLessThan(3000)
  })

  it('describeIssues cuts a long path or message, and keeps a short one whole', () => {
    const long = describeIssues({ issues: [{ path: ['a', key], message: `bad ${key}` }] })
    expect(long.length).toBeLessThan(1500)
    expect(long).toContain(`a.${'k'.repeat(198)}… (100002 characters): bad ${'k'.repeat(996)}… (100004 characters)`)
    expect(describeIssues({ issues: [{ path: ['a', 0], message: 'Invalid input: expected string, received number' }] })).toBe('a.0: Invalid input: expected string, received number')
  })
})
