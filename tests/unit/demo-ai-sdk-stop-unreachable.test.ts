/**
 * Stop on the /ai-sdk page while the server is away: `stop()` closes the answer's response first,
 * then the abort route cannot be reached. The page said "Couldn’t reach the server — the answer
 * wasn’t stopped. Try again." yet Stop (and Escape) had gone with the response, so there was
 * nothing to try again with; and the answer, still running on the server (or ended by a restart),
 * stayed frozen where the Stop cut it after the server came back, until a reload. Stop now stays
 * after a failed stop, and the chat is read again (its running answer followed) once the
 * notification stream reconnects. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { reconnectListeners } from '../support/ai-sdk-page-globals'
import { ABORT_UNREACHABLE, click, sendHelloAndStream } from '../support/ai-sdk-composer'

const page = usePage()

/** The answers' Markdown as the page renders it (v-html). */
const answerHtml = (root: FakeNode) => allNodes(root).map(item => String(item.props.innerHTML ?? '')).join('')

const stopError = (root: FakeNode) => allNodes(root).find(item => item.props['data-stop-error'] !== undefined)

describe('/ai-sdk page: Stop while the server is away', () => {
  it('keeps Stop, so the "Try again" it says can be done', async () => {
    page.abortReads = [ABORT_UNREACHABLE, async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(textOf(stopError(root)!)).toContain('the answer wasn’t stopped. Try again.')
    expect(buttons(root, 'Stop')).toHaveLength(1)
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(page.aborts).toHaveLength(2)
    expect(stopError(root)).toBeUndefined()
    expect(buttons(root, 'Stop')).toHaveLength(0)
  })

  it('shows the answer as the server has it once the server is back', async () => {
    page.abortReads = [ABORT_UNREACHABLE]
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(stopError(root)).toBeDefined()
    expect(answerHtml(root)).toContain('Once upon')
    expect(answerHtml(root)).not.toContain('the end.')
    // The server came back; the answer ran on meanwhile and finished.
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Once upon a time, the end.', state: 'done' }] },
    ]
    const resumesBefore = page.requests.filter(request => request.startsWith('GET')).length
    for (const listener of reconnectListeners) listener()
    await settle()
    expect(answerHtml(root)).toContain('Once upon a time, the end.')
    // Its running answer (none any more: 204) was asked for again.
    expect(page.requests.filter(request => request.startsWith('GET')).length).toBe(resumesBefore + 1)
    expect(stopError(root)).toBeUndefined()
    expect(buttons(root, 'Stop')).toHaveLength(0)
  })
})
