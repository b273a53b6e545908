/**
 * Where the keyboard focus goes on the /ai-sdk page (demo/app/pages/ai-sdk.vue, its template
 * compiled for the browser by tests/support/demo-client-render.ts, with the real `useChat`): a
 * control that goes away with the focus on it must hand the focus on, as the main chat's do — Send
 * (Stop takes its place once the message is on its way) gives it to the box (ChatComposer.vue),
 * Approve / Deny (the approval goes once answered) too (InputPrompt.vue), and Retry after the
 * messages could not be read stays until they are, then hands it to the box (ThreadView.vue's
 * retryTurns). Before, the focus fell to the page's body: a keyboard user had to find the box
 * again from the top.
 */
import { describe, expect, it } from 'vitest'
import { allNodes, buttons, focusState } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

describe('/ai-sdk page: the focus', () => {
  it('goes back to the box after Send is pressed (Stop takes its place)', async () => {
    const root = page.mount()
    await settle()
    const box = allNodes(root).find(item => item.tag === 'textarea')!
    box.value = 'Hello'
    for (const listener of box.listeners.input ?? []) listener({ target: box })
    await settle()
    const [send] = buttons(root, 'Send')
    send!.focus()
    const form = allNodes(root).find(item => item.tag === 'form')!
    ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
    await settle()
    expect(page.requests).toContain('POST /api/jobs/chat')
    expect(buttons(root, 'Send')).toEqual([])
    expect(buttons(root, 'Stop')).toHaveLength(1)
    expect(focusState.active).toBe(box)
  })

  it('goes on to the box once an approval is answered (its buttons go)', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete notes.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-delete_file', toolCallId: 'call-1', state: 'approval-requested', input: { path: 'notes.txt' }, approval: { id: 'r1' } }] },
    ]
    const root = page.mount()
    await settle()
    const [approve] = buttons(root, 'Approve')
    approve!.focus()
    ;(approve!.props.onClick as () => void)()
    await settle()
    expect(page.requests).toContain('POST /api/jobs/chat')
    expect(buttons(root, 'Approve')).toEqual([])
    expect(focusState.active).toBe(allNodes(root).find(item => item.tag === 'textarea'))
  })

  it('stays on Retry while the messages are read again, then goes on to the box', async () => {
    let answer!: (value: unknown) => void
    page.messageReads = [
      async () => Promise.reject(Object.assign(new Error('fetch failed'), { statusCode: 503 })),
      async () => new Promise((resolve) => {
        answer = resolve
      }),
    ]
    const root = page.mount()
    await settle()
    const [retry] = buttons(root, 'Retry')
    retry!.focus()
    ;(retry!.props.onClick as () => void)()
    await settle()
    // Still there while it reads (the chat is not shown as a new, empty one meanwhile).
    expect(focusState.active).toBe(retry)
    expect(buttons(root, 'Loading…')).toEqual([retry])
    answer({ messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }, { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi.', state: 'done' }] }] })
    await settle()
    expect(allNodes(root).some(item => item.props['data-load-error'] !== undefined)).toBe(false)
    expect(focusState.active).toBe(allNodes(root).find(item => item.tag === 'textarea'))
  })
})
