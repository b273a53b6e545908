/**
 * A message the server took (the chat route answered 200 and started its job) whose answer's
 * stream then broke before its first piece (the connection dropped: the browser's fetch reads
 * fail with a TypeError, as a request that got no answer at all does) was taken out of the chat
 * by the page, its text put back in the box, and said "your message wasn’t sent": the job ran on,
 * and sending it again asked the same question a second time. Page rendered by
 * tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { composerBox as box, typeMessage as type, submitMessage as submit, userMessages } from '../support/ai-sdk-composer'
import { STREAM_BROKE_TEXT } from '../../demo/app/lib/chat-error'

const page = usePage()

describe('/ai-sdk page: a sent message whose answer stream broke before its first piece', () => {
  it('stays in the conversation (the server took it), and is not offered to send again', async () => {
    const root = page.mount()
    await settle()
    const posts: string[] = []
    vi.stubGlobal('fetch', async (url: string, init?: { method?: string, body?: string }) => {
      if (!init?.method || init.method === 'GET') return new Response(null, { status: 204 })
      posts.push(url)
      // The route answered (its job started), then the connection dropped: a browser's read fails so.
      const body = new ReadableStream<Uint8Array>({ pull: controller => controller.error(new TypeError('network error')) })
      return new Response(body, { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } })
    })
    await type(root, 'Are you there?')
    await submit(root)
    expect(posts).toHaveLength(1)
    expect(userMessages(root)).toEqual(['Are you there?'])
    expect(box(root).value).toBe('')
    const said = allNodes(root).filter(item => item.props.role === 'alert').map(item => textOf(item).trim())
    expect(said).toEqual([STREAM_BROKE_TEXT])
  })
})
