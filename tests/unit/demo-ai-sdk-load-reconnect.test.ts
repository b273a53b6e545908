/**
 * An /ai-sdk chat opened (or reloaded) while the server was away said "Couldn’t reach the server"
 * with Retry, and went on saying it after the server came back, until the user pressed Retry: the
 * conversation stayed hidden and Send stayed held. Its messages are now read again once when the
 * notification stream says it reconnected (`useJobNotifications().onReconnect`).
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { reconnectListeners } from '../support/ai-sdk-page-globals'

const page = usePage()

const loadError = (root: FakeNode) => allNodes(root).find(item => item.props['data-load-error'] !== undefined)

describe('/ai-sdk page: the server comes back', () => {
  it('reads the messages it could not read again once the notification stream reconnects', async () => {
    page.messageReads = [async () => Promise.reject(new TypeError('[GET] "/api/jobs/chat/c1/messages": <no response> Failed to fetch'))]
    page.loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }, { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi there.', state: 'done' }] }]
    const root = page.mount()
    await settle()
    expect(loadError(root)).toBeDefined()
    for (const listener of reconnectListeners) listener()
    await settle()
    expect(loadError(root)).toBeUndefined()
    // The conversation is shown (the user's message; the answer renders through its Markdown).
    expect(textOf(root)).toContain('Hello')
  })

  it('a Retry pressed while the reconnect read is under way: the slower, failed read does not hide the chat Retry read', async () => {
    let failReconnectRead!: (error: unknown) => void
    page.messageReads = [
      async () => Promise.reject(new TypeError('[GET] "/api/jobs/chat/c1/messages": <no response> Failed to fetch')),
      // The reconnect's read: it was sent as the connection flapped, and fails late.
      async () => new Promise((_resolve, reject) => {
        failReconnectRead = reject
      }),
    ]
    page.loaded = [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Hello' }] }, { id: 'job-1', role: 'assistant', parts: [{ type: 'text', text: 'Hi there.', state: 'done' }] }]
    const root = page.mount()
    await settle()
    for (const listener of reconnectListeners) listener()
    await settle()
    // The user presses Retry meanwhile (still shown: the reconnect's read has not answered); it reads the chat.
    const retry = allNodes(root).find(item => item.tag === 'button' && textOf(item) === 'Retry')
    ;(retry!.props.onClick as () => void)()
    await settle()
    expect(loadError(root), 'once Retry read the chat').toBeUndefined()
    expect(textOf(root)).toContain('Hello')
    failReconnectRead(new TypeError('[GET] "/api/jobs/chat/c1/messages": <no response> Failed to fetch'))
    await settle()
    expect(loadError(root), 'once the older read failed').toBeUndefined()
    expect(textOf(root)).toContain('Hello')
  })

  it('a chat read fine is not read again', async () => {
    let readAgain = false
    page.messageReads = [async () => ({ messages: [] }), async () => {
      readAgain = true
      return { messages: [] }
    }]
    const root = page.mount()
    await settle()
    for (const listener of reconnectListeners) listener()
    await settle()
    expect(readAgain).toBe(false)
    expect(loadError(root)).toBeUndefined()
  })
})
