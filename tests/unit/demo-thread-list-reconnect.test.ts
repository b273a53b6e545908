/**
 * The server went away while a job ran and came back: the sidebar's failed refresh ("Couldn’t
 * reach the server — the thread list wasn’t refreshed") and the thread's "live" badge stayed, on
 * the main chat and on /ai-sdk alike, until the next notification, send or Retry — nothing read
 * the list again when the server was back. It now refreshes once when the notification stream
 * says it reconnected (`useJobNotifications().onReconnect`).
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import type { Component } from 'vue'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, stubDocument, textOf } from '../support/demo-client-render'
import { NuxtLink, ThreadList, unreachable } from '../support/thread-list-client'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

const running = { threadId: 'a', title: 'Thread a', active: true, waiting: false, lastJob: { id: 'job-a', threadId: 'a', status: 'running', createdAt: 1, updatedAt: 1 } }
/** What the server lists: the job ran, then the restart ended it. */
let listed = [running]
let reconnectListeners: (() => void)[] = []
let serverDown = false
let refreshList: () => Promise<void> = async () => {}
let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  stubDocument()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  serverDown = false
  listed = [running]
  reconnectListeners = []
  vi.stubGlobal('useRoute', () => ({ params: {} }))
  vi.stubGlobal('navigateTo', async () => {})
  vi.stubGlobal('CSS', { escape: (value: string) => value })
  vi.stubGlobal('useBackgroundJobs', () => ({
    listThreads: async () => {
      if (serverDown) throw unreachable('GET', '/api/jobs/threads?limit=20')
      return { threads: listed, next: null }
    },
    removeThread: async (threadId: string) => {
      throw unreachable('DELETE', `/api/jobs/threads/${threadId}`)
    },
    onDeleted: () => {},
  }))
  vi.stubGlobal('useJobCatalog', () => ({ catalog: vue.ref(null) }))
  vi.stubGlobal('useUnseenThreads', () => ({ isUnseen: () => false }))
  vi.stubGlobal('useJobNotifications', () => ({
    onNotification: () => {},
    onReconnect: (listener: () => void) => {
      reconnectListeners.push(listener)
      return () => {}
    },
    permission: vue.ref('granted'),
    requestPermission: () => {},
  }))
  vi.stubGlobal('useAsyncData', (_key: string, handler: () => Promise<unknown>, options: { default: () => unknown }) => {
    const data = vue.ref(options.default())
    refreshList = async () => {
      data.value = await handler()
    }
    void refreshList()
    return { data, refresh: refreshList, status: vue.ref('success'), error: vue.ref(null) }
  })
})

afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.unstubAllGlobals()
})

async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await new Promise(resolve => setImmediate(resolve))
}

function mount(): FakeNode {
  mounted = mountClient(ThreadList as Component, { NuxtLink })
  return (mounted as unknown as { container: FakeNode }).container
}


const problemOf = (root: FakeNode) => allNodes(root).find(item => String(item.props.class ?? '').includes('thread-list-error'))
const liveBadgeOf = (root: FakeNode) => allNodes(root).find(item => String(item.props.class ?? '').includes('badge-live'))

describe('ThreadList: the server comes back', () => {
  it('reads the list again once the notification stream reconnects: the failed refresh and the stale "live" badge go', async () => {
    const root = mount()
    await settle()
    expect(liveBadgeOf(root)).toBeDefined()
    // The server goes away mid-answer; a refresh (a send, a turn that ended) fails.
    serverDown = true
    await refreshList()
    await settle()
    expect(problemOf(root)).toBeDefined()
    // It comes back; the restart ended the job.
    serverDown = false
    listed = [{ ...running, active: false, lastJob: { ...running.lastJob, status: 'failed' } }]
    for (const listener of reconnectListeners) listener()
    await settle()
    expect(problemOf(root)).toBeUndefined()
    expect(liveBadgeOf(root)).toBeUndefined()
  })
})
