/**
 * The chat page's first load (a typed URL, a reload, a bookmark) left the focus on the page's
 * body: the first key typed went nowhere and the user had to click the box first, where ChatGPT
 * and Claude put the caret in the box. The box now gets it on a desktop — not on a touch screen
 * (the on-screen keyboard would pop up over the conversation, as those apps avoid too), and not
 * when the user put the focus somewhere already while the page loaded. The turns and the
 * composer are stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import type { FakeNode } from '../support/demo-client-render'
import { focusState, mountClient, withClientTemplate } from '../support/demo-client-render'
import { stubThreadViewGlobals } from '../support/thread-view-globals'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'
import { turnVersionComponents } from '../support/demo-turn-versions'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component
const Empty = vue.defineComponent({ setup: () => () => null })
/** The composer stand-in: focusing it puts the focus on this node. */
const box = { tag: 'textarea' } as FakeNode
const ChatComposer = vue.defineComponent({
  setup(_props, { expose }) {
    expose({ focus: () => focusState.active = box })
    return () => null
  },
})

function job(id: string): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: `Question ${id}`, prompt: `Question ${id}`, createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 0 }
}

/** A screen whose pointer is coarse (a touch screen) or fine. */
function stubPointer(coarse: boolean): void {
  vi.stubGlobal('window', { matchMedia: (query: string) => ({ matches: coarse && query === '(pointer: coarse)' }) })
}

beforeEach(() => {
  stubThreadViewGlobals()
  const turns = vue.ref([job('j1')])
  vi.stubGlobal('useThreadTurns', () => ({
    jobs: turns, refresh: async () => {}, listStatus: vue.ref('success'), listError: vue.ref(null),
    earlier: vue.ref([]), hasEarlier: vue.ref(false), loadingEarlier: vue.ref(false), earlierFailed: vue.ref(null),
    loadEarlier: async () => 0, mounted: vue.ref(false), turns, addLocalJob: () => {}, remove: () => {},
  }))
})
afterEach(() => {
  vi.unstubAllGlobals()
})

function openOnFirstLoad(props: Record<string, unknown> = { threadId: 't1' }): () => void {
  // stubThreadViewGlobals: `useNuxtApp().isHydrating` is true, as on the page's first load.
  const { unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, props) }), { ...turnVersionComponents(), JobTurn: Empty, ThreadEmptyState: Empty, ChatComposer, ThreadStatusLine: Empty })
  return unmount
}

describe('the chat page\'s first load', () => {
  it('puts the focus in the message box on a desktop, in a thread and on a new one', () => {
    stubPointer(false)
    let unmount = openOnFirstLoad()
    expect(focusState.active).toBe(box)
    unmount()
    focusState.active = null
    unmount = openOnFirstLoad({ threadId: 'new', isNew: true })
    expect(focusState.active).toBe(box)
    unmount()
  })

  it('leaves the focus alone on a touch screen: the on-screen keyboard stays closed', () => {
    stubPointer(true)
    const unmount = openOnFirstLoad()
    expect(focusState.active).toBeNull()
    unmount()
  })

  it('leaves the focus where the user put it while the page loaded', () => {
    stubPointer(false)
    const link = { tag: 'a' } as FakeNode
    focusState.active = link
    const unmount = openOnFirstLoad()
    expect(focusState.active).toBe(link)
    unmount()
  })
})
