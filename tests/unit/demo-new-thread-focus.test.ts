/**
 * "+ New thread" pressed while a new thread is open already (the page's first load is one, and so
 * is the page after a thread was deleted) led where the page was: nothing opened, the focus stayed
 * on the link, and what the user typed next went nowhere (Enter followed the link again). The box
 * now gets the focus, as when a thread opens from the list — on a touch screen the thread (no
 * on-screen keyboard). Only after the click: the phone's drawer closes on its way up (app.vue), and
 * the page behind the open drawer is inert (tests/browser/chat-a11y.browser.test.ts shows it there).
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import type { Component } from 'vue'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, focusState, mountClient, stubDocument, withClientTemplate } from '../support/demo-client-render'
import { stubListClock } from '../support/thread-list-page'
import ThreadListSsr from '../../demo/app/components/ThreadList.vue'
import ThreadRowSsr from '../../demo/app/components/ThreadRow.vue'

const ThreadList = withClientTemplate(ThreadListSsr, 'demo/app/components/ThreadList.vue', {
  ThreadRow: withClientTemplate(ThreadRowSsr, 'demo/app/components/ThreadRow.vue'),
})

const NuxtLink = vue.defineComponent({
  props: { to: { type: String, required: true } },
  setup: (_props, { slots }) => () => vue.h('a', {}, slots.default?.()),
})

const composer = { tag: 'textarea', focus: () => void (focusState.active = composer as unknown as FakeNode) }
const thread = { tag: 'section', focus: () => void (focusState.active = thread as unknown as FakeNode) }
let touch = false
let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  stubDocument()
  touch = false
  ;(document as unknown as { getElementById: (id: string) => unknown }).getElementById = id => (id === 'composer-input' ? composer : null)
  ;(document as unknown as { querySelector: (selector: string) => unknown }).querySelector = selector => (selector === 'section.thread' ? thread : null)
  vi.useFakeTimers()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  vi.stubGlobal('window', { matchMedia: (query: string) => ({ matches: touch && query === '(pointer: coarse)' }) })
  vi.stubGlobal('useRoute', () => ({ path: '/', params: {} }))
  vi.stubGlobal('navigateTo', async () => {})
  vi.stubGlobal('useBackgroundJobs', () => ({ listThreads: async () => ({ threads: [], next: null }), removeThread: async () => {}, onDeleted: () => {} }))
  vi.stubGlobal('useJobCatalog', () => ({ catalog: vue.ref(null) }))
  vi.stubGlobal('useUnseenThreads', () => ({ isUnseen: () => false }))
  vi.stubGlobal('useEndsHeard', () => ({ ended: vue.ref([]), heard: () => {}, keepFor: () => {} }))
  vi.stubGlobal('useHead', () => {})
  stubListClock()
  vi.stubGlobal('useJobNotifications', () => ({ onNotification: () => {}, onReconnect: () => () => {}, permission: vue.ref('granted'), requestPermission: () => {} }))
  vi.stubGlobal('useAsyncData', (_key: string, _handler: () => Promise<unknown>, options: { default: () => unknown }) => ({ data: vue.ref(options.default()), refresh: async () => {}, status: vue.ref('success'), error: vue.ref(null) }))
})

afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

function pressNewThread(): void {
  mounted = mountClient(ThreadList as Component, { NuxtLink })
  const root = (mounted as unknown as { container: FakeNode }).container
  const link = allNodes(root).find(item => String(item.props.class ?? '').includes('new-thread'))!
  // The click focused the link first, as a browser does.
  link.focus()
  ;(link.props.onClick as ((event: unknown) => void) | undefined)?.({ currentTarget: link })
}

describe('ThreadList: "+ New thread" while a new thread is open', () => {
  it('puts the focus in the message box once the click is done (the drawer it closes leaves the page inert until then)', () => {
    pressNewThread()
    expect(focusState.active?.tag).toBe('a')
    vi.advanceTimersByTime(0)
    expect(focusState.active).toBe(composer)
  })

  it('puts it on the thread on a touch screen (no on-screen keyboard over the page), not left on the link the closed drawer hides', () => {
    touch = true
    pressNewThread()
    vi.advanceTimersByTime(0)
    expect(focusState.active).toBe(thread)
  })
})
