/**
 * The /ai-sdk page's status chip after a Stop that could not stop the answer: `stop()` had closed
 * the answer's response (the SDK says `ready`), then the abort route could not be reached. The
 * answer may still be running on the server, and the page says "…the answer wasn’t stopped. Try
 * again." beside a Stop to try with — yet the chip said `ready`, in the finished colour, until the
 * server came back. It now says the answer was not stopped, in the colour the main chat gives an
 * answer whose server is away. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { ABORT_UNREACHABLE, click, sendHelloAndStream } from '../support/ai-sdk-composer'

const page = usePage()

const chip = (root: FakeNode) => allNodes(root).find(item => item.props['data-chat-status'] !== undefined)!

describe('/ai-sdk page: the status chip after a failed Stop', () => {
  it('says the answer was not stopped, not `ready`, until a Stop works', async () => {
    page.abortReads = [ABORT_UNREACHABLE, async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await sendHelloAndStream(page, root)
    expect(textOf(chip(root)).trim()).toBe('streaming')
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(textOf(chip(root)).trim()).toBe('not stopped')
    expect(chip(root).props['data-status']).toBe('away')
    // The second Stop works: the SDK's own status again.
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(textOf(chip(root)).trim()).toBe('ready')
    expect(chip(root).props['data-status']).toBe('completed')
  })
})
