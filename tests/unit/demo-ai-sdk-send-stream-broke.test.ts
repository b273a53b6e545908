/**
 * A message the server took (the chat route answered 200 and started its job) whose answer's
 * stream then broke before its first piece (the connection dropped: the browser's fetch reads
 * fail with a TypeError, as a request that got no answer at all does) was taken out of the chat
 * by the page, its text put back in the box, and said "your message wasn’t sent": the job ran on,
 * and sending it again asked the same question a second time. A Retry (the SDK's `regenerate()`)
 * the route took whose stream broke so said "your message was sent": none was, the answer was
 * being asked again; it says so now (demo/app/lib/chat-error.ts, ai-sdk-retry.ts). Page rendered by
 * tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { retryButtons, settle, usePage } from '../support/ai-sdk-page'
import { click, composerBox as box, typeMessage as type, submitMessage as submit, userMessages } from '../support/ai-sdk-composer'
import { STREAM_BROKE_AFTER_RETRY_TEXT, STREAM_BROKE_TEXT } from '../../demo/app/lib/chat-error'

const page = usePage()

/** What the page's alerts say. */
const alerts = (root: FakeNode) => allNodes(root).filter(item => item.props.role === 'alert').map(item => textOf(item).trim())

/** From now on each post is answered (its job started), then the connection drops: a browser's read fails so. */
function breakPostStreams(posts: string[]): void {
  vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => {
    if (!init?.method || init.method === 'GET') return new Response(null, { status: 204 })
    posts.push(url)
    const body = new ReadableStream<Uint8Array>({ pull: controller => controller.error(new TypeError('network error')) })
    return new Response(body, { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } })
  })
}

describe('/ai-sdk page: a post the route took whose answer stream broke before its first piece', () => {
  it('a message stays in the conversation (the server took it), and is not offered to send again', async () => {
    const root = page.mount()
    await settle()
    const posts: string[] = []
    breakPostStreams(posts)
    await type(root, 'Are you there?')
    await submit(root)
    expect(posts).toHaveLength(1)
    expect(userMessages(root)).toEqual(['Are you there?'])
    expect(box(root).value).toBe('')
    expect(alerts(root)).toEqual([STREAM_BROKE_TEXT])
  })

  it('says a Retry is being retried, not that a message was sent', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'job-1', role: 'assistant', metadata: { ended: 'aborted' }, parts: [{ type: 'text', text: 'Once upon', state: 'done' }] },
    ]
    const root = page.mount()
    await settle()
    breakPostStreams([])
    click(retryButtons(root)[0]!)
    await settle()
    expect(alerts(root)).toEqual([STREAM_BROKE_AFTER_RETRY_TEXT])
  })
})
