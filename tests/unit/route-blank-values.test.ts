/**
 * A field that must hold text, sent blank (`"threadId": "   "`), is a 400 saying so. It is checked
 * after its surrounding whitespace is trimmed, so zod's own words read `Too small: expected string
 * to have >=1 characters` for a value the client sent with three: a message about a length the
 * value had.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()
const messages = [{ role: 'user', content: 'hi' }]
const chatMessages = [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }]

async function problem(path: string, body: unknown): Promise<{ status: number, message: string }> {
  const response = await fetch(`${app.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'accept': 'application/json' }, body: JSON.stringify(body) })
  return { status: response.status, message: (await response.json() as { message: string }).message }
}

describe('a blank text field', () => {
  it.each([
    ['threadId', { messages, threadId: '   ' }],
    ['messageId', { messages, messageId: '\t' }],
    ['model', { messages, model: '  ' }],
    ['threadId', { messages, threadId: '' }],
    ['workflow', { workflow: '   ' }],
  ])('POST /api/jobs with a blank %s: a 400 saying it is blank', async (field, body) => {
    expect(await problem('/api/jobs', body)).toEqual({ status: 400, message: `${field}: must not be empty or only whitespace` })
  })

  it('POST /api/jobs/chat with a blank model: the same 400', async () => {
    expect(await problem('/api/jobs/chat', { id: 'c', messages: chatMessages, model: ' ' })).toEqual({ status: 400, message: 'model: must not be empty or only whitespace' })
  })

  it('a value with text around whitespace is still taken, trimmed', async () => {
    const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages, threadId: '  t-1 ' }) })
    expect(response.status).toBe(202)
    expect((await response.json() as { threadId: string }).threadId).toBe('t-1')
  })
})
