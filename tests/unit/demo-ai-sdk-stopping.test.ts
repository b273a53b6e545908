/**
 * Stop on the /ai-sdk page while its stop is under way (the abort route has not answered yet):
 * a second press did nothing, yet the button stayed enabled and said "Stop", so the user could not
 * tell the first press was taken. It now says "Stopping…" and is disabled until the stop is done,
 * as the main chat's Stop is (ChatComposer.vue). Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

async function sendHello(root: FakeNode): Promise<void> {
  const input = allNodes(root).find(item => item.tag === 'textarea')!
  input.value = 'Hello'
  for (const listener of input.listeners.input ?? []) listener({ target: input })
  await settle()
  const form = allNodes(root).find(item => item.tag === 'form')!
  ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
  await settle()
}

function click(button: FakeNode): void {
  ;(button.props.onClick as (event: unknown) => void)({})
}

describe('/ai-sdk page: Stop while the stop is under way', () => {
  it('says "Stopping…" and is disabled until the abort route answers', async () => {
    let stopped!: (value: unknown) => void
    page.abortReads = [async () => new Promise((resolve) => {
      stopped = resolve
    })]
    // The answer waits for an approval (no response open): Stop stays while the abort goes.
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete notes.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'tool-delete_file', toolCallId: 'call-1', state: 'approval-requested', input: { path: 'notes.txt' }, approval: { id: 'r1' } }] },
    ]
    const root = page.mount()
    await settle()
    expect(buttons(root, 'Stop')).toHaveLength(1)
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(page.aborts).toHaveLength(1)
    expect(buttons(root, 'Stop')).toHaveLength(0)
    const stopping = buttons(root, 'Stopping…')
    expect(stopping).toHaveLength(1)
    expect(stopping[0]!.props.disabled).toBe(true)

    stopped({ jobs: [{ id: 'job-1', status: 'aborted' }] })
    await settle()
    expect(buttons(root, 'Stopping…')).toHaveLength(0)
    expect(page.aborts).toHaveLength(1)
  })

  it('while a response streams too', async () => {
    let stopped!: (value: unknown) => void
    page.abortReads = [async () => new Promise((resolve) => {
      stopped = resolve
    })]
    const root = page.mount()
    await settle()
    await sendHello(root)
    click(buttons(root, 'Stop')[0]!)
    await settle()
    expect(buttons(root, 'Stopping…')).toHaveLength(1)
    stopped({ jobs: [] })
    await settle()
    expect(buttons(root, 'Stopping…')).toHaveLength(0)
  })
})
