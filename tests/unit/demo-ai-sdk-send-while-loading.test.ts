/**
 * A message sent on the /ai-sdk page while the chat's messages are still being read (just after a
 * reload) went without them as history — the model did not see the conversation — and the page
 * then dropped the late list, so the conversation vanished from the screen. Send waits until they
 * are read, as the main chat does ("Wait for the conversation to load."). Page rendered by
 * tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it, vi } from 'vitest'
import { reactive } from 'vue'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { typeMessage as type, submitMessage as submit } from '../support/ai-sdk-composer'

const page = usePage()

describe('/ai-sdk page: a message while the chat loads', () => {
  it('waits for the messages, then goes with them as history', async () => {
    let answer!: (value: unknown) => void
    page.messageReads = [async () => new Promise((resolve) => {
      answer = resolve
    })]
    const root = page.mount()
    await settle()
    await type(root, 'And tomorrow?')
    await submit(root)
    expect(page.posted).toEqual([])
    expect(buttons(root, 'Send')[0]!.props.disabled).toBe(true)
    expect(allNodes(root).some(item => textOf(item) === 'Wait for the conversation to load.')).toBe(true)

    answer({ messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather today?' }] }, { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Sunny.', state: 'done' }] }] })
    await settle()
    await submit(root)
    expect(page.posted.map(body => body.messages.map(message => message.role))).toEqual([['user', 'assistant', 'user']])
  })

  it('waits too while they could not be read (Retry shown), then goes with them once read', async () => {
    page.messageReads = [async () => Promise.reject(Object.assign(new Error('fetch failed'), { statusCode: 503 }))]
    const root = page.mount()
    await settle()
    expect(buttons(root, 'Retry')).toHaveLength(1)
    await type(root, 'And tomorrow?')
    await submit(root)
    // Sent now, it would go to the model without the conversation (the main chat offers no box then).
    expect(page.posted).toEqual([])
    expect(buttons(root, 'Send')[0]!.props.disabled).toBe(true)

    page.loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Weather today?' }] }, { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Sunny.', state: 'done' }] }]
    ;(buttons(root, 'Retry')[0]!.props.onClick as () => void)()
    await settle()
    await submit(root)
    expect(page.posted.map(body => body.messages.map(message => message.role))).toEqual([['user', 'assistant', 'user']])
  })
})

describe('/ai-sdk page: a new chat this page opened', () => {
  it('sends at once: it has no messages to read or answer to resume first', async () => {
    // No `?chat=`: the page opens a new chat (its id then in the URL). A read would be slow here.
    const route = reactive({ query: {} as Record<string, string> })
    vi.stubGlobal('useRoute', () => route)
    vi.stubGlobal('useRouter', () => ({ replace: ({ query }: { query: Record<string, string> }) => void (route.query = query) }))
    page.messageReads = [async () => new Promise(() => {})]
    const root = page.mount()
    await settle()
    expect(route.query).toEqual({ chat: 'c2' })
    await type(root, 'Show me some markdown')
    await submit(root)
    // Nothing to wait for: a chat opened here has no conversation (the browser test of a late,
    // older list keeps the message sent meanwhile).
    expect(page.posted.map(body => body.messages.map(message => message.role))).toEqual([['user']])
    expect(allNodes(root).some(item => textOf(item) === 'Wait for the conversation to load.')).toBe(false)
    // Nothing read, nothing resumed: no moment in which Enter is swallowed while a resume is asked.
    expect([page.messageReads.length, page.requests.filter(request => request.startsWith('GET'))]).toEqual([1, []])
  })
})
