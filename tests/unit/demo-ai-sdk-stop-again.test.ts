/**
 * A second Stop on the /ai-sdk page after the first could not stop the answer: the first Stop
 * closed the answer's response, then the abort route could not be reached, and the answer ran on
 * on the server unseen. When the second Stop worked, the page marked the answer stopped but kept
 * only the text shown at the first Stop — the partial answer the server kept (and a reload shows)
 * was missing until a reload. The chat is now read again after such a Stop. Page rendered by
 * tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { ABORT_UNREACHABLE, click, sendHelloAndStream } from '../support/ai-sdk-composer'

const page = usePage()

/** The answers' Markdown as the page renders it (v-html). */
const answerHtml = (root: FakeNode) => allNodes(root).map(item => String(item.props.innerHTML ?? '')).join('')

describe('/ai-sdk page: a Stop that works after one that did not', () => {
  it('shows the partial answer the server kept, not the text shown at the first Stop', async () => {
    page.abortReads = [ABORT_UNREACHABLE, async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(answerHtml(root)).toContain('Once upon')
    // Meanwhile the answer ran on on the server; the second Stop stops it there.
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'job-1', role: 'assistant', metadata: { ended: 'aborted' }, parts: [{ type: 'text', text: 'Once upon a time, there was', state: 'done' }] },
    ]
    const readsBefore = page.requests.length
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(page.aborts).toHaveLength(2)
    expect(answerHtml(root)).toContain('Once upon a time, there was')
    expect(textOf(root)).toContain('Stopped — the partial answer is kept.')
    // Nothing runs any more: the resume after the read finds nothing (204), and Stop is gone.
    expect(page.requests.slice(readsBefore).filter(request => request.startsWith('GET'))).toHaveLength(1)
    expect(buttons(root, 'Stop')).toHaveLength(0)
  })

  // Changed on purpose: such a Stop reads the messages once, for the text the job wrote while the
  // abort was on its way (demo-ai-sdk-stop-keeps-server-text.test.ts), but follows nothing again.
  it('does not load the chat again after a Stop that worked the first time', async () => {
    page.abortReads = [async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    let reads = 0
    page.messageReads = [async () => {
      reads++
      return { messages: [] }
    }]
    const requestsBefore = page.requests.length
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(reads).toBe(1)
    expect(page.requests.slice(requestsBefore).filter(request => request.startsWith('GET'))).toHaveLength(0)
    expect(answerHtml(root)).toContain('Once upon')
    expect(textOf(root)).toContain('Stopped — the partial answer is kept.')
  })
})
