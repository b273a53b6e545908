/**
 * The main chat's Edit when the server takes the save and never answers (a hung proxy, a stuck
 * instance): the post had no bound and Cancel was disabled while saving, so the box said
 * "Saving…" for good and the message could not be put back. The save now gives up after
 * EDIT_START_TIMEOUT_MS (the box stays, with the text as written and why), and Cancel gives it
 * up at once: the message shows its earlier text and a toast says the edit was cancelled. Saved
 * again unchanged, such an edit (the server may have taken it) reuses its Idempotency-Key: a new
 * key answered the message a second time.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import type { Component } from 'vue'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { mountDemoComponent } from '../support/demo-component'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, focusState, mountClient, stubDocument, textOf, withClientTemplate } from '../support/demo-client-render'
import { EDIT_CANCELLED_TEXT, EDIT_START_TIMEOUT_MS, EDIT_TIMED_OUT_TEXT, useMessageEdit } from '../../demo/app/composables/useMessageEdit'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import UserMessageSsr from '../../demo/app/components/UserMessage.vue'
import MessageEditorSsr from '../../demo/app/components/MessageEditor.vue'

const UserMessage = withClientTemplate(UserMessageSsr, 'demo/app/components/UserMessage.vue')
const MessageEditor = withClientTemplate(MessageEditorSsr, 'demo/app/components/MessageEditor.vue')

const job: ThreadJob = { id: 'j1', type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: 'Hello', prompt: 'Hello', createdAt: 1, updatedAt: 1, endedAt: 1, lastSeq: 0 }

let app: ComposableApp
let toasts: string[]
/** The edit posts the fake server got; each hangs until its signal aborts (as fetch does). */
let posts: AbortSignal[]
/** Their Idempotency-Keys. */
let keys: string[]

beforeEach(() => {
  vi.useFakeTimers()
  toasts = []
  posts = []
  keys = []
  app = createComposableApp(async url => Promise.reject(new Error(`unexpected $fetch ${url}`)))
  mountDemoComponent(app, { render: () => null } as Component, {})
  stubDocument()
  vi.stubGlobal('useJobCatalog', () => ({ catalog: ref(null) }))
  vi.stubGlobal('useToasts', () => ({ push: ({ message }: { message: string }) => void toasts.push(message) }))
  vi.stubGlobal('refreshNuxtData', async () => {})
  vi.stubGlobal('fetch', async (_url: string, init: { signal: AbortSignal, headers: Record<string, string> }) => new Promise((_resolve, reject) => {
    posts.push(init.signal)
    keys.push(init.headers['Idempotency-Key']!)
    init.signal.addEventListener('abort', () => reject(new DOMException('This operation was aborted', 'AbortError')))
  }))
})
afterEach(() => {
  app.dispose()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

function edits() {
  const started: ThreadJob[] = []
  const { result } = app.mount(() => useMessageEdit({ threadId: 't1', turns: ref([job]), threadJobs: ref([job]), hasEarlier: ref(false), useTools: ref(true), listPage: async () => ({ jobs: [], nextCursor: null }) as never, onStarted: started.push.bind(started) }))
  return { editMessage: result.editMessage, started }
}

async function flush(): Promise<void> {
  for (let round = 0; round < 10; round++) await Promise.resolve()
}

describe('an edit whose save the server never answers', () => {
  it('gives up after EDIT_START_TIMEOUT_MS: the box says why, and a new save can go', async () => {
    const { editMessage } = edits()
    let outcome: string | null | undefined
    void editMessage(job, 'Hello again').then(value => void (outcome = value))
    await flush()
    expect(posts).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS - 1)
    expect(outcome).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1)
    expect(outcome).toBe(EDIT_TIMED_OUT_TEXT)
    expect(posts[0]!.aborted).toBe(true)
    expect(vi.getTimerCount()).toBe(0)
    // Not "The edit is still being sent.": the next save posts.
    void editMessage(job, 'Hello again')
    await flush()
    expect(posts).toHaveLength(2)
  })

  it('is given up by Cancel: the post aborted, a toast, no timer left', async () => {
    const { editMessage } = edits()
    const cancel = new AbortController()
    const outcome = editMessage(job, 'Hello again', cancel.signal)
    await flush()
    cancel.abort()
    expect(await outcome).toBeNull()
    expect(posts[0]!.aborted).toBe(true)
    expect(toasts).toEqual([EDIT_CANCELLED_TEXT])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('an edit in a long thread whose read of the earlier jobs never answers', () => {
  function editsWithHungRead() {
    const { result } = app.mount(() => useMessageEdit({ threadId: 't1', turns: ref([job]), threadJobs: ref([job]), hasEarlier: ref(true), useTools: ref(true), listPage: () => new Promise(() => {}), onStarted: () => {} }))
    return result.editMessage
  }

  it('is bounded by EDIT_START_TIMEOUT_MS too: the box says why, and a new save is not "still being sent"', async () => {
    const editMessage = editsWithHungRead()
    let outcome: string | null | undefined
    void editMessage(job, 'Hello again').then(value => void (outcome = value))
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS)
    expect(outcome).toBe(EDIT_TIMED_OUT_TEXT)
    expect(posts).toHaveLength(0)
    let again: string | null | undefined
    void editMessage(job, 'Hello again').then(value => void (again = value))
    await flush()
    expect(again).not.toBe('The edit is still being sent.')
  })

  it('is given up by Cancel at once', async () => {
    const editMessage = editsWithHungRead()
    const cancel = new AbortController()
    const outcome = editMessage(job, 'Hello again', cancel.signal)
    await flush()
    cancel.abort()
    expect(await outcome).toBeNull()
    expect(toasts).toEqual([EDIT_CANCELLED_TEXT])
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('a save again after one that got no answer', () => {
  it('goes with the same Idempotency-Key when unchanged (the server gives back the job it may have started), a new one when edited', async () => {
    const { editMessage } = edits()
    const cancel = new AbortController()
    const first = editMessage(job, 'Hello again', cancel.signal)
    await flush()
    cancel.abort()
    await first
    void editMessage(job, 'Hello again')
    await flush()
    await vi.advanceTimersByTimeAsync(EDIT_START_TIMEOUT_MS)
    void editMessage(job, 'Hello once more')
    await flush()
    expect(keys).toHaveLength(3)
    expect(keys[1]).toBe(keys[0])
    expect(keys[2]).not.toBe(keys[0])
  })
})

describe('UserMessage while a save is on its way', () => {
  function render(edit: (text: string, signal?: AbortSignal) => Promise<string | null>): FakeNode {
    return mountClient(defineComponent({ render: () => h(UserMessage, { text: 'Hello', edit }) }), { MessageEditor }).container
  }
  function click(button: FakeNode): void {
    ;(button.props.onClick as (event: unknown) => void)({})
  }

  beforeEach(() => {
    // The editor puts the caret at the end of the text and itself in view on opening; the fake elements have neither.
    for (const name of ['setSelectionRange', 'scrollIntoView']) Object.defineProperty(Object.prototype, name, { value: () => {}, configurable: true })
  })
  afterEach(() => {
    for (const name of ['setSelectionRange', 'scrollIntoView']) delete (Object.prototype as Record<string, unknown>)[name]
  })

  it('offers Cancel, which closes the box on the earlier text and gives the focus back to Edit', async () => {
    const signals: AbortSignal[] = []
    const root = render(async (_text, signal) => {
      signals.push(signal!)
      return new Promise(() => {})
    })
    click(buttons(root, '✎ Edit')[0]!)
    await flush()
    const form = allNodes(root).find(item => item.tag === 'form')!
    ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {} })
    await flush()
    expect(buttons(root, 'Saving…')).toHaveLength(1)
    const cancel = buttons(root, 'Cancel')[0]!
    expect(cancel.props.disabled).toBeFalsy()
    click(cancel)
    await flush()
    expect(signals[0]!.aborted).toBe(true)
    expect(allNodes(root).some(item => item.tag === 'form')).toBe(false)
    expect(textOf(allNodes(root).find(item => String(item.props.class ?? '').includes('user-text'))!)).toBe('Hello')
    expect(focusState.active).toBe(buttons(root, '✎ Edit')[0])
  })
})
