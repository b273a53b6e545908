/**
 * Approve (or Deny) on the /ai-sdk page while a Stop of the answer that asks is under way
 * ("Stopping…": the abort route has not answered yet). The buttons stayed live, and a press posted
 * the approval at once, racing the abort: an approval the server took before the abort listed the
 * chat's jobs ran the tool (a `delete_file` the user had just stopped). They now wait for the stop
 * (disabled), as Send does beside "Stopping…". Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { buttons } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

function click(button: FakeNode): void {
  ;(button.props.onClick as (event: unknown) => void)({})
}

describe('/ai-sdk page: an approval while the stop is under way', () => {
  it('is not posted, and its buttons are disabled until the abort route answers', async () => {
    let stopped!: (value: unknown) => void
    page.abortReads = [async () => new Promise((resolve) => {
      stopped = resolve
    })]
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete notes.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'tool-delete_file', toolCallId: 'call-1', state: 'approval-requested', input: { path: 'notes.txt' }, approval: { id: 'r1' } }] },
    ]
    const root = page.mount()
    await settle()
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(buttons(root, 'Stopping…')).toHaveLength(1)

    expect(buttons(root, 'Approve').map(button => button.props.disabled)).toEqual([true])
    expect(buttons(root, 'Deny').map(button => button.props.disabled)).toEqual([true])
    click(buttons(root, 'Approve')[0]!)
    await settle()
    expect(page.posted).toHaveLength(0)

    // The stop is done: the answer is stopped, and its approval is no longer asked.
    stopped({ jobs: [{ id: 'job-1', status: 'aborted' }] })
    await settle()
    expect(buttons(root, 'Approve')).toHaveLength(0)
    expect(page.posted).toHaveLength(0)
  })

  it('is offered again when the stop failed (the answer goes on)', async () => {
    let failed!: (error: unknown) => void
    page.abortReads = [async () => new Promise((_resolve, reject) => {
      failed = reject
    })]
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete notes.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'tool-delete_file', toolCallId: 'call-1', state: 'approval-requested', input: { path: 'notes.txt' }, approval: { id: 'r1' } }] },
    ]
    const root = page.mount()
    await settle()
    click(buttons(root, 'Stop')[0]!)
    await settle()
    failed(Object.assign(new Error('fetch failed'), { statusCode: 503 }))
    await settle()
    expect(buttons(root, 'Stopping…')).toHaveLength(0)
    expect(buttons(root, 'Approve').map(button => button.props.disabled)).not.toContain(true)
    click(buttons(root, 'Approve')[0]!)
    await settle()
    expect(page.posted).toHaveLength(1)
  })
})
