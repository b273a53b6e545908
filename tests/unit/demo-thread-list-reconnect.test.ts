/**
 * The server went away while a job ran and came back: the sidebar's failed refresh ("Couldn’t
 * reach the server — the thread list wasn’t refreshed") and the thread's "live" badge stayed, on
 * the main chat and on /ai-sdk alike, until the next notification, send or Retry — nothing read
 * the list again when the server was back. It now refreshes once when the notification stream
 * says it reconnected (`useJobNotifications().onReconnect`).
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import type { ThreadListPage } from '../support/thread-list-page'
import { mountThreadList, settle, stubThreadListPage } from '../support/thread-list-page'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

const running = { threadId: 'a', title: 'Thread a', active: true, waiting: false, lastJob: { id: 'job-a', threadId: 'a', status: 'running', createdAt: 1, updatedAt: 1 } }
/** What the server lists: the job ran, then the restart ended it. */

let page: ThreadListPage
let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  page = stubThreadListPage([running])
})

afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.unstubAllGlobals()
})

function mount(): FakeNode {
  const list = mountThreadList()
  mounted = list
  return list.root
}

const problemOf = (root: FakeNode) => allNodes(root).find(item => String(item.props.class ?? '').includes('thread-list-error'))
const liveBadgeOf = (root: FakeNode) => allNodes(root).find(item => String(item.props.class ?? '').includes('badge-live'))

describe('ThreadList: the server comes back', () => {
  it('reads the list again once the notification stream reconnects: the failed refresh and the stale "live" badge go', async () => {
    const root = mount()
    await settle()
    expect(liveBadgeOf(root)).toBeDefined()
    // The server goes away mid-answer; a refresh (a send, a turn that ended) fails.
    page.serverDown = true
    await page.refreshList()
    await settle()
    expect(problemOf(root)).toBeDefined()
    // It comes back; the restart ended the job.
    page.serverDown = false
    page.listed = [{ ...running, active: false, lastJob: { ...running.lastJob, status: 'failed' } }]
    for (const listener of page.reconnectListeners) listener()
    await settle()
    expect(problemOf(root)).toBeUndefined()
    expect(liveBadgeOf(root)).toBeUndefined()
  })
})
