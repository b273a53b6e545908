/**
 * The server side of tests/unit/demo-ai-sdk-resend-lost-response.test.ts: the /ai-sdk page sends a
 * message again after its response was lost. As a new message (a new id, no key, as before) the
 * chat gets the question twice; with the same id and `Idempotency-Key` (the page now) the route
 * gives back the job the first post started, which runs on: one turn, one answer.
 * The real chat routes (tests/support/route-app.ts), whose jobs run until aborted.
 */
import type { UIMessage } from 'ai'
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

/** Posts the message, reads the job id from the stream's `start`, then drops the response. */
async function post(chatId: string, id: string, key?: string): Promise<string> {
  const response = await fetch(`${app.base}/api/jobs/chat`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify({ id: chatId, trigger: 'submit-message', messages: [{ id, role: 'user', parts: [{ type: 'text', text: 'Are you there?' }] }] }),
  })
  expect(response.status).toBe(200)
  const reader = response.body!.getReader()
  let text = ''
  while (!text.includes('"start"')) text += new TextDecoder().decode((await reader.read()).value)
  await reader.cancel()
  return /"messageId":"([^"]+)"/.exec(text)![1]!
}

async function userTurns(chatId: string): Promise<string[]> {
  const { messages } = await (await fetch(`${app.base}/api/jobs/chat/${chatId}/messages`)).json() as { messages: UIMessage[] }
  return messages.filter(message => message.role === 'user').map(message => message.id)
}

describe('a message sent again after its response was lost', () => {
  it('as a new message (before): the chat has the question twice', async () => {
    await post('chat-resend-new', 'm1')
    await post('chat-resend-new', 'm2')
    expect(await userTurns('chat-resend-new')).toEqual(['m1', 'm2'])
  })

  it('with the same id and Idempotency-Key: the first job back, one turn', async () => {
    const first = await post('chat-resend-key', 'm1', 'm1')
    const again = await post('chat-resend-key', 'm1', 'm1')
    expect(again).toBe(first)
    expect(await userTurns('chat-resend-key')).toEqual(['m1'])
    const { job } = await (await fetch(`${app.base}/api/jobs/${first}`)).json() as { job: { status: string } }
    expect(job.status).toBe('running')
  })
})
