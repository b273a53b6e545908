/**
 * The globals the demo's ThreadList reads (Nuxt's auto-imports and the layer's composables), stubbed
 * from one mutable `page` a test changes as it goes: what the server lists, whether it answers, the
 * route, and the notification stream's reconnect listeners. Each test file still mocks
 * ThreadDeleteDialog.vue itself (`vi.mock` is hoisted per file); `vi.unstubAllGlobals()` undoes this.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { vi } from 'vitest'
import type { FakeNode } from './demo-client-render'
import { mountClient, stubDocument } from './demo-client-render'
import { NuxtLink, ThreadList, unreachable } from './thread-list-client'
import { useEndsHeard } from '../../demo/app/composables/useEndsHeard'

/** What a ThreadList test controls. */
export interface ThreadListPage {
  /** The threads `listThreads` answers with. */
  listed: unknown[]
  /** `listThreads` fails as an unreachable server does. */
  serverDown: boolean
  route: { path?: string, params: Record<string, string>, query?: Record<string, string> }
  /** What the list gave `useJobNotifications().onReconnect`. */
  reconnectListeners: (() => void)[]
  /** What the list gave `useJobNotifications().onNotification`. */
  notificationListeners: ((notification: unknown) => void)[]
  /** How many times the list was read. */
  reads: number
  /** Reads the list again (the `useAsyncData` refresh), once mounted. */
  refreshList: () => Promise<void>
}

/** A page listing `listed` on `route`, with every global the list reads stubbed from it. */
export function stubThreadListPage(listed: unknown[], route: ThreadListPage['route'] = { params: {} }): ThreadListPage {
  const page: ThreadListPage = { listed, serverDown: false, route, reconnectListeners: [], notificationListeners: [], reads: 0, refreshList: async () => {} }
  stubDocument()
  stubListClock()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  vi.stubGlobal('useRoute', () => page.route)
  vi.stubGlobal('navigateTo', async () => {})
  vi.stubGlobal('CSS', { escape: (value: string) => value })
  vi.stubGlobal('useBackgroundJobs', () => ({
    listThreads: async () => {
      page.reads++
      if (page.serverDown) throw unreachable('GET', '/api/jobs/threads?limit=20')
      return { threads: page.listed, next: null }
    },
    removeThread: async (threadId: string) => {
      throw unreachable('DELETE', `/api/jobs/threads/${threadId}`)
    },
    onDeleted: () => {},
  }))
  vi.stubGlobal('useJobCatalog', () => ({ catalog: vue.ref(null) }))
  vi.stubGlobal('useUnseenThreads', () => ({ isUnseen: () => false }))
  // The real composable, on a state of this page's own (`useState`).
  const states = new Map<string, vue.Ref<unknown>>()
  vi.stubGlobal('useState', (key: string, init: () => unknown) => states.get(key) ?? states.set(key, vue.ref(init())).get(key))
  vi.stubGlobal('useEndsHeard', useEndsHeard)
  vi.stubGlobal('useHead', () => {})
  vi.stubGlobal('useJobNotifications', () => ({
    onNotification: (listener: (notification: unknown) => void) => {
      page.notificationListeners.push(listener)
      return () => {}
    },
    onReconnect: (listener: () => void) => {
      page.reconnectListeners.push(listener)
      return () => {}
    },
    permission: vue.ref('granted'),
    requestPermission: () => {},
  }))
  vi.stubGlobal('useAsyncData', (_key: string, handler: () => Promise<unknown>, options: { default: () => unknown }) => {
    const data = vue.ref(options.default())
    page.refreshList = async () => {
      data.value = await handler()
    }
    void page.refreshList()
    return { data, refresh: page.refreshList, status: vue.ref('success'), error: vue.ref(null) }
  })
  return page
}

/**
 * What the list's clock (composables/useListClock.ts) reads: no time zone cookie yet, as on a first
 * visit, and a payload state of its own (a file that stubs `useState` itself may stub it again after).
 */
export function stubListClock(): void {
  const states = new Map<string, vue.Ref<unknown>>()
  vi.stubGlobal('useCookie', (_name: string, options?: { default?: () => unknown }) => vue.ref(options?.default?.() ?? null))
  vi.stubGlobal('useState', (key: string, init: () => unknown) => states.get(key) ?? states.set(key, vue.ref(init())).get(key))
}

/** Lets the list's reads and renders finish. */
export async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await new Promise(resolve => setImmediate(resolve))
}

/** Mounts the list; `unmount` it after the test. */
export function mountThreadList(): { root: FakeNode, unmount: () => void } {
  const mounted = mountClient(ThreadList as Component, { NuxtLink })
  return { root: (mounted as unknown as { container: FakeNode }).container, unmount: () => mounted.unmount() }
}
