/**
 * The /ai-sdk page's status chip after a Stop that could not stop the answer: `stop()` had closed
 * the answer's response (the SDK says `ready`), then the abort route could not be reached. The
 * answer may still be running on the server, and the page says "…the answer wasn’t stopped. Try
 * again." beside a Stop to try with — yet the chip said `ready`, in the finished colour, until the
 * server came back. It now says the answer was not stopped, in the colour the main chat gives an
 * answer whose server is away. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { submitMessage, typeMessage } from '../support/ai-sdk-composer'

const page = usePage()

const UNREACHABLE = () => Promise.reject(new TypeError('[POST] "/api/jobs/chat/c1/abort": <no response> Failed to fetch'))

const chip = (root: FakeNode) => allNodes(root).find(item => item.props['data-chat-status'] !== undefined)!

function click(button: FakeNode): void {
  ;(button.props.onClick as (event: unknown) => void)({})
}

describe('/ai-sdk page: the status chip after a failed Stop', () => {
  it('says the answer was not stopped, not `ready`, until a Stop works', async () => {
    page.abortReads = [UNREACHABLE, async () => ({ jobs: [{ id: 'job-1', status: 'aborted' }] })]
    const root = page.mount()
    await settle()
    await typeMessage(root, 'Hello')
    await submitMessage(root)
    page.answer([
      formatChunk({ type: 'start', messageId: 'job-1' }),
      formatChunk({ type: 'start-step' }),
      formatChunk({ type: 'text-start', id: 't1' }),
      formatChunk({ type: 'text-delta', id: 't1', delta: 'Once upon' }),
    ].join(''))
    await settle()
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
