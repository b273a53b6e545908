/**
 * A thread opened while the server was away said "Couldn’t reach the server — the thread wasn’t
 * opened. Try again." and went on saying it after the server came back, until the user pressed
 * Retry: nothing read the thread again. It is now read again once when the notification stream
 * says it reconnected (`useJobNotifications().onReconnect`). The turns and the composer are stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { BackgroundJobsApiError } from '../../app/lib/api-error'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, withClientTemplate } from '../support/demo-client-render'
import { stubThreadViewGlobals } from '../support/thread-view-globals'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'
import { turnVersionComponents } from '../support/demo-turn-versions'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component

/** The empty state, with what it says. */
const ThreadEmptyState = vue.defineComponent({
  props: { kind: { type: String, required: true }, problem: { type: String, default: '' } },
  setup: props => () => vue.h('section', { 'data-empty': props.kind }, props.problem),
})
const Empty = vue.defineComponent({ setup: () => () => null })

function job(id: string): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: `Question ${id}`, prompt: `Question ${id}`, createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 0 }
}

/** What `listPage` rejects with when the request got no answer (the server is down). */
function unreachable(): BackgroundJobsApiError {
  return new BackgroundJobsApiError(new TypeError('[GET] "/api/jobs?threadId=t1": <no response> Failed to fetch'))
}

let reconnectListeners: (() => void)[] = []
let serverDown = true
let refreshes = 0

beforeEach(() => {
  reconnectListeners = []
  serverDown = true
  stubThreadViewGlobals()
  const turns = vue.ref<ThreadJob[]>([])
  const listStatus = vue.ref('error')
  const listError = vue.ref<unknown>(unreachable())
  refreshes = 0
  vi.stubGlobal('useThreadTurns', () => ({
    jobs: turns,
    refresh: async () => {
      refreshes++
      listStatus.value = 'pending'
      await Promise.resolve()
      if (serverDown) {
        listError.value = unreachable()
        listStatus.value = 'error'
        return
      }
      turns.value = [job('j1')]
      listError.value = null
      listStatus.value = 'success'
    },
    listStatus,
    listError,
    earlier: vue.ref([]),
    hasEarlier: vue.ref(false),
    loadingEarlier: vue.ref(false),
    earlierFailed: vue.ref(null),
    loadEarlier: async () => 0,
    mounted: vue.ref(true),
    turns,
    addLocalJob: () => {},
    remove: () => {},
  }))
  vi.stubGlobal('useJobNotifications', () => ({
    onNotification: () => {},
    onReconnect: (listener: () => void) => {
      reconnectListeners.push(listener)
      return () => {}
    },
  }))
})
afterEach(() => {
  vi.unstubAllGlobals()
})


async function settle(): Promise<void> {
  for (let round = 0; round < 10; round++) await vue.nextTick()
}

const failedState = (root: FakeNode) => allNodes(root).find(item => item.props['data-empty'] === 'failed')

describe('ThreadView: the server comes back', () => {
  it('reads a thread it could not open again once the notification stream reconnects', async () => {
    const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn: Empty, ThreadEmptyState, ChatComposer: Empty, ThreadStatusLine: Empty })
    await settle()
    expect(failedState(container)).toBeDefined()
    serverDown = false
    for (const listener of reconnectListeners) listener()
    await settle()
    expect(failedState(container)).toBeUndefined()
    expect(refreshes).toBe(1)
    // Once the thread is read, a later reconnect has nothing to read again.
    for (const listener of reconnectListeners) listener()
    await settle()
    expect(refreshes).toBe(1)
    unmount()
  })
})
