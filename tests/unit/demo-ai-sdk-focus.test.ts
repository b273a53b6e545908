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
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { UIMessage } from 'ai'
import { ref } from 'vue'
import type { Component } from 'vue'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { mountDemoComponent } from '../support/demo-component'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, focusState, mountClient, stubDocument, withClientTemplate } from '../support/demo-client-render'
import AiSdkPageSsr from '../../demo/app/pages/ai-sdk.vue'
import AiSdkToolPartSsr from '../../demo/app/components/AiSdkToolPart.vue'

const AiSdkPage = withClientTemplate(AiSdkPageSsr, 'demo/app/pages/ai-sdk.vue')
const AiSdkToolPart = withClientTemplate(AiSdkToolPartSsr, 'demo/app/components/AiSdkToolPart.vue')

let app: ComposableApp
let loaded: UIMessage[]
/** Answers the page's next reads of the messages instead of `loaded` (oldest first), when set. */
let messageReads: Array<() => Promise<unknown>>
/** Requests the SDK's transport made (method and URL); each answered with a stream left open. */
let requests: string[]

/** Lets the streams, the SDK and Vue's watchers run (no timers involved). */
async function settle(): Promise<void> {
  for (let round = 0; round < 30; round++) await new Promise(resolve => setImmediate(resolve))
}

function mountPage(): FakeNode {
  // The auto-imports (Vue's API, the demo's composables) the page's setup uses.
  mountDemoComponent(app, { render: () => null } as Component, {})
  return mountClient(AiSdkPage, { AiSdkToolPart }).container
}

beforeEach(() => {
  loaded = []
  messageReads = []
  requests = []
  app = createComposableApp(async (url) => {
    if (url.endsWith('/messages')) return messageReads.shift()?.() ?? { messages: loaded }
    throw new Error(`unexpected $fetch ${url}`)
  })
  vi.stubGlobal('useRoute', () => ({ query: { chat: 'c1' } }))
  vi.stubGlobal('useRouter', () => ({ replace: vi.fn() }))
  vi.stubGlobal('useViewingThread', () => ref(null))
  vi.stubGlobal('useBackgroundJobs', () => ({ onDeleted: () => {} }))
  vi.stubGlobal('useToasts', () => ({ push: () => {} }))
  vi.stubGlobal('createClientId', () => 'c2')
  vi.stubGlobal('window', { matchMedia: () => ({ matches: false }) })
  stubDocument()
  vi.stubGlobal('fetch', async (url: string, init?: { method?: string }) => {
    requests.push(`${init?.method ?? 'GET'} ${url}`)
    // Nothing runs to resume; a posted message's answer stays open (it is on its way).
    if (!init?.method || init.method === 'GET') return new Response(null, { status: 204 })
    return new Response(new ReadableStream(), { headers: { 'content-type': 'text/event-stream', 'x-vercel-ai-ui-message-stream': 'v1' } })
  })
})

afterEach(() => {
  app.dispose()
})

describe('/ai-sdk page: the focus', () => {
  it('goes back to the box after Send is pressed (Stop takes its place)', async () => {
    const page = mountPage()
    await settle()
    const box = allNodes(page).find(item => item.tag === 'textarea')!
    box.value = 'Hello'
    for (const listener of box.listeners.input ?? []) listener({ target: box })
    await settle()
    const [send] = buttons(page, 'Send')
    send!.focus()
    const form = allNodes(page).find(item => item.tag === 'form')!
    ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
    await settle()
    expect(requests).toContain('POST /api/jobs/chat')
    expect(buttons(page, 'Send')).toEqual([])
    expect(buttons(page, 'Stop')).toHaveLength(1)
    expect(focusState.active).toBe(box)
  })

  it('goes on to the box once an approval is answered (its buttons go)', async () => {
    loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete notes.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-delete_file', toolCallId: 'call-1', state: 'approval-requested', input: { path: 'notes.txt' }, approval: { id: 'r1' } }] },
    ]
    const page = mountPage()
    await settle()
    const [approve] = buttons(page, 'Approve')
    approve!.focus()
    ;(approve!.props.onClick as () => void)()
    await settle()
    expect(requests).toContain('POST /api/jobs/chat')
    expect(buttons(page, 'Approve')).toEqual([])
    expect(focusState.active).toBe(allNodes(page).find(item => item.tag === 'textarea'))
  })

  it('stays on Retry while the messages are read again, then goes on to the box', async () => {
    let answer!: (value: unknown) => void
    messageReads = [
      async () => Promise.reject(Object.assign(new Error('fetch failed'), { statusCode: 503 })),
      async () => new Promise((resolve) => {
        answer = resolve
      }),
    ]
    const page = mountPage()
    await settle()
    const [retry] = buttons(page, 'Retry')
    retry!.focus()
    ;(retry!.props.onClick as () => void)()
    await settle()
    // Still there while it reads (the chat is not shown as a new, empty one meanwhile).
    expect(focusState.active).toBe(retry)
    expect(buttons(page, 'Loading…')).toEqual([retry])
    answer({ messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }, { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi.', state: 'done' }] }] })
    await settle()
    expect(allNodes(page).some(item => item.props['data-load-error'] !== undefined)).toBe(false)
    expect(focusState.active).toBe(allNodes(page).find(item => item.tag === 'textarea'))
  })
})
