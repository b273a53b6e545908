/**
 * /ai-sdk: an approval answer (Approve, Deny) whose post the server refused (a 503, the per-user
 * 429) or that reached no server. The line under the answer said "…your message wasn’t sent", a new
 * message's words; the main chat's approval prompt says "…your answer wasn’t sent" for the same
 * thing, and so does this page now (one that reached no server said the connection was lost after
 * the message was sent, as if its answer ran on); a message refused after it says its own again. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { click, submitMessage, typeMessage } from '../support/ai-sdk-composer'

const page = usePage()

const alerts = (root: FakeNode) => allNodes(root).filter(item => item.props.role === 'alert' && item.props.class === 'turn-error').map(textOf)

/** The page with an answer asking to delete notes.txt; its posts answered by `post`. */
async function askingPage(post: () => Promise<Response>): Promise<FakeNode> {
  page.loaded = [
    { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete notes.txt' }] },
    { id: 'job-1', role: 'assistant', parts: [{ type: 'tool-delete_file', toolCallId: 'call-1', state: 'approval-requested', input: { path: 'notes.txt' }, approval: { id: 'r1' } }] },
  ]
  const harness = globalThis.fetch
  vi.stubGlobal('fetch', async (url: string, init?: RequestInit) => (init?.method === 'POST' ? post() : harness(url, init)))
  const root = page.mount()
  await settle()
  return root
}

describe('/ai-sdk page: an approval answer the server refused', () => {
  it.each([
    ['a 503', async () => new Response('', { status: 503 }), 'The server had a problem — your answer wasn’t sent. Try again.'],
    ['the per-user 429', async () => new Response('You already have 1 jobs running (limits.maxConcurrentJobsPerUser)', { status: 429 }), 'Too many of your answers are running or waiting for you at once — your answer wasn’t sent. Wait for one to finish, answer or stop one, then try again.'],
    ['no server', async () => Promise.reject(new TypeError('Failed to fetch')), 'Couldn’t reach the server — your answer wasn’t sent. Try again.'],
  ])('says the answer was not sent (%s)', async (_name, post, said) => {
    const root = await askingPage(post)
    click(buttons(root, 'Approve')[0]!)
    await settle()
    expect(alerts(root)).toEqual([said])
  })

  it('says a message\'s own words for a message refused after it', async () => {
    const root = await askingPage(async () => new Response('', { status: 503 }))
    click(buttons(root, 'Approve')[0]!)
    await settle()
    await typeMessage(root, 'Something else')
    await submitMessage(root)
    expect(alerts(root)).toEqual(['The server had a problem — your message wasn’t sent. Try again.'])
  })
})
