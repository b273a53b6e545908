/**
 * An /ai-sdk answer whose stream broke mid-answer (the server restarted, the network went): the
 * SDK reports the body's TypeError, and the page said "Couldn’t reach the server — your message
 * wasn’t sent. Try again." under an answer that was visibly being written to it: the message had
 * been sent (and stored). After the server came back the answer stayed cut there until a reload,
 * though it ran on on the server (or a restart ended it). The page now says the connection was
 * lost, and reads the chat again (following its running answer) when the notification stream
 * reconnects. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { holdPostStreams, settle, usePage } from '../support/ai-sdk-page'
import { reconnectListeners } from '../support/ai-sdk-page-globals'

const page = usePage()

const answerHtml = (root: FakeNode) => allNodes(root).map(item => String(item.props.innerHTML ?? '')).join('')
const alerts = (root: FakeNode) => allNodes(root).filter(item => item.props.role === 'alert').map(item => textOf(item).trim())

describe('/ai-sdk page: the answer\'s stream breaks mid-answer', () => {
  it('does not say the message wasn\'t sent, and shows the answer as the server has it once it is back', async () => {
    const root = page.mount()
    await settle()
    const posts = holdPostStreams()
    const input = allNodes(root).find(item => item.tag === 'textarea')!
    input.value = 'Hello'
    for (const listener of input.listeners.input ?? []) listener({ target: input })
    await settle()
    const form = allNodes(root).find(item => item.tag === 'form')!
    ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
    await settle()
    posts.stream().enqueue(new TextEncoder().encode([
      formatChunk({ type: 'start', messageId: 'job-1' }),
      formatChunk({ type: 'start-step' }),
      formatChunk({ type: 'text-start', id: 't1' }),
      formatChunk({ type: 'text-delta', id: 't1', delta: 'Once upon' }),
    ].join('')))
    await settle()
    // What undici's fetch (Node) reports when the connection drops mid-body; browsers say "network error".
    posts.stream().error(new TypeError('terminated'))
    await settle()
    expect(answerHtml(root)).toContain('Once upon')
    expect(alerts(root).join(' ')).not.toContain('your message wasn’t sent')
    expect(alerts(root)).toHaveLength(1)

    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Once upon a time, the end.', state: 'done' }] },
    ]
    for (const listener of reconnectListeners) listener()
    await settle()
    expect(answerHtml(root)).toContain('Once upon a time, the end.')
    expect(alerts(root)).toEqual([])
  })
})
