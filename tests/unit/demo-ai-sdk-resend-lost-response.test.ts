/**
 * A message sent on the /ai-sdk page whose response was lost (the server stored it and started its
 * answer, then the connection dropped before the response came back) looks to the page exactly
 * like one that never reached the server: "your message wasn’t sent", and its text goes back to
 * the box. Sent again, it went as a new message (a new id, no Idempotency-Key), so the server
 * started a second job: the chat held the question twice, answered twice. A message sent from the
 * page now carries an `Idempotency-Key` (its id), and one sent again unchanged after no response
 * goes with the same id and key, so the route gives the first job back (docs/ai-sdk.md).
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

function box(root: FakeNode): FakeNode {
  return allNodes(root).find(item => item.tag === 'textarea')!
}

async function send(root: FakeNode, text?: string): Promise<void> {
  if (text !== undefined) {
    const input = box(root)
    input.value = text
    for (const listener of input.listeners.input ?? []) listener({ target: input })
    await settle()
  }
  const form = allNodes(root).find(item => item.tag === 'form')!
  ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
  await settle()
}

describe('/ai-sdk page: a message sent again after its response was lost', () => {
  it('goes with the same id and Idempotency-Key, so the server does not start a second answer', async () => {
    const root = page.mount()
    await settle()
    const reachable = globalThis.fetch
    const posts: Array<{ id: string | undefined, key: string | null }> = []
    let lose = true
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string, body?: string, headers?: HeadersInit }) => {
      if (init?.method === 'POST') {
        const body = JSON.parse(init.body ?? '{}') as { messages: Array<{ id: string }> }
        posts.push({ id: body.messages.at(-1)?.id, key: new Headers(init.headers).get('idempotency-key') })
        // The server took the message; the response never came back.
        if (lose) throw new TypeError('Failed to fetch')
      }
      return reachable(url, init as RequestInit)
    })
    await send(root, 'Are you there?')
    expect(box(root).value).toBe('Are you there?')
    lose = false
    await send(root)
    expect(posts).toHaveLength(2)
    expect(posts[1]!.id).toBe(posts[0]!.id)
    expect(posts[0]!.key).toBe(posts[0]!.id)
    expect(posts[1]).toEqual(posts[0])
  })

  it('a different message after it is a new one', async () => {
    const root = page.mount()
    await settle()
    const reachable = globalThis.fetch
    const posts: Array<{ id: string | undefined, key: string | null }> = []
    let lose = true
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string, body?: string, headers?: HeadersInit }) => {
      if (init?.method === 'POST') {
        const body = JSON.parse(init.body ?? '{}') as { messages: Array<{ id: string }> }
        posts.push({ id: body.messages.at(-1)?.id, key: new Headers(init.headers).get('idempotency-key') })
        if (lose) throw new TypeError('Failed to fetch')
      }
      return reachable(url, init as RequestInit)
    })
    await send(root, 'Are you there?')
    lose = false
    await send(root, 'Something else')
    expect(posts).toHaveLength(2)
    expect(posts[1]!.id).not.toBe(posts[0]!.id)
    expect(posts[1]!.key).toBe(posts[1]!.id)
  })
})
