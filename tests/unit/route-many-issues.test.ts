/**
 * A body with thousands of wrong values gets a 400 naming the first few problems and how many more
 * there are — not one line per problem. The AI SDK route takes any number of messages (up to
 * `limits.maxChatBodyBytes`), so `{"id":"c","messages":[1,1,1,…]}` listed every message: a 3 MB
 * body came back as a 99 MB error after 10 s of work.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { describeIssues, MAX_DESCRIBED_ISSUES } from '../../server/lib/describe-issues'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

describe('a body with many problems', () => {
  it('POST /api/jobs/chat with 20,000 messages that are not objects: a 400 naming the first 10, the rest not all checked (chat-body-bounded-check)', async () => {
    const messages = `[${Array.from({ length: 20_000 }, () => '1').join(',')}]`
    const response = await fetch(`${app.base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"id":"c","messages":${messages}}` })
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
    const response = await fetch(`${app.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(response.status).toBe(400)
    expect((await response.json() as { message: string }).message).toBe(expected)
  })
})
