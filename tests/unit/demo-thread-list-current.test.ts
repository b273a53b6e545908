/**
 * The thread list marks the conversation on screen (highlighted, `aria-current="page"`) on the
 * /ai-sdk page too, whose chat id is in `?chat=`: before, it marked only a thread opened at
 * /threads/<id>, so on /ai-sdk no thread looked open — a user could not see which of the list's
 * conversations they were in (and a screen reader heard none as current).
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import type { Component } from 'vue'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, stubDocument } from '../support/demo-client-render'
import { NuxtLink, ThreadList, unreachable } from '../support/thread-list-client'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

const running = { threadId: 'a', title: 'Thread a', active: true, waiting: false, lastJob: { id: 'job-a', threadId: 'a', status: 'running', createdAt: 1, updatedAt: 1 } }
/** What the server lists: the job ran, then the restart ended it. */
const other = { ...running, threadId: 'b', title: 'Thread b', lastJob: { ...running.lastJob, id: 'job-b', threadId: 'b' } }
let listed = [running, other]
let reconnectListeners: (() => void)[] = []
let serverDown = false
let refreshList: () => Promise<void> = async () => {}
let mounted: { unmount: () => void } | null = null
/** The page shown. */
let route: { path: string, params: Record<string, string>, query: Record<string, string> }

beforeEach(() => {
  stubDocument()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  serverDown = false
  listed = [running, other]
  route = { path: '/ai-sdk', params: {}, query: { chat: 'a' } }
  reconnectListeners = []
  vi.stubGlobal('useRoute', () => route)
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


const currentOf = (root: FakeNode) => allNodes(root).filter(item => item.props['aria-current'] === 'page').map(item => item.props['data-thread-id'])

describe('ThreadList: the conversation on screen', () => {
  it('is marked current on /ai-sdk (its ?chat=) as on /threads/<id>', async () => {
    const root = mount()
    await settle()
    expect(currentOf(root)).toEqual(['a'])
  })

  it('is the thread of /threads/<id>, and none on another page', async () => {
    route = { path: '/threads/b', params: { threadId: 'b' }, query: {} }
    const root = mount()
    await settle()
    expect(currentOf(root)).toEqual(['b'])
    mounted!.unmount()
    route = { path: '/workflows', params: {}, query: { chat: 'a' } }
    const again = mount()
    await settle()
    expect(currentOf(again)).toEqual([])
  })
})
