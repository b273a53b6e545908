/**
 * The thread list's failures were shown in the fetch library's words: with the server down, the
 * sidebar said `Could not refresh the threads: [GET] "/api/jobs/threads?limit=20": <no response>
 * Failed to fetch`, and a failed delete `Could not delete the thread: [DELETE] …`, while the
 * thread beside it said "Couldn’t reach the server — …" (lib/wording.ts `failureText`, which never
 * shows that line). The list now uses the same words.
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import type { Component } from 'vue'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, stubDocument, textOf } from '../support/demo-client-render'
import { stubListClock } from '../support/thread-list-page'
import { NuxtLink, ThreadList, unreachable } from '../support/thread-list-client'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

const listed = [{ threadId: 'a', title: 'Thread a', active: false, waiting: false, lastJob: { id: 'job-a', threadId: 'a', status: 'completed', createdAt: 1, updatedAt: 1 } }]
let serverDown = false
let refreshList: () => Promise<void> = async () => {}
let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  stubDocument()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  serverDown = false
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
  vi.stubGlobal('useEndsHeard', () => ({ ended: vue.ref([]), heard: () => {}, keepFor: () => {} }))
  vi.stubGlobal('useHead', () => {})
  stubListClock()
  vi.stubGlobal('useJobNotifications', () => ({ onNotification: () => {}, onReconnect: () => () => {}, permission: vue.ref('granted'), requestPermission: () => {} }))
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

function click(node: FakeNode): void {
  ;(node.props.onClick as (event: unknown) => void)({ currentTarget: node })
}

describe('ThreadList: a failure with the server down', () => {
  it('says in words that the list was not refreshed', async () => {
    const root = mount()
    await settle()
    serverDown = true
    await refreshList()
    await settle()
    const problem = allNodes(root).find(item => String(item.props.class ?? '').includes('thread-list-error'))
    expect(problem && textOf(problem)).toContain('Couldn’t reach the server — the thread list wasn’t refreshed. Try again.')
    expect(textOf(root)).not.toContain('<no response>')
    // The threads read before stay listed.
    expect(allNodes(root).some(item => item.props['data-thread-id'] === 'a')).toBe(true)
  })

  it('says in words that the thread was not deleted', async () => {
    const root = mount()
    await settle()
    click(allNodes(root).find(item => item.props['data-delete-thread'] === 'a')!)
    await settle()
    click(allNodes(root).find(item => item.props['data-confirm-delete'])!)
    await settle()
    const problem = allNodes(root).find(item => item.props['data-delete-error'])
    expect(problem && textOf(problem)).toBe('Couldn’t reach the server — the thread wasn’t deleted. Try again.')
  })
})
