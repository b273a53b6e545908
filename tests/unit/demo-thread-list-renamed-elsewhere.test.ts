/**
 * A thread renamed in another tab (or device): the sidebar shows the new title as soon as its
 * `thread-renamed` notification arrives — in the thread's entry and its buttons' labels — without
 * reading the list again, and shows it as typed (a first message's title is shown in plain text).
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, textOf } from '../support/demo-client-render'
import type { ThreadListPage } from '../support/thread-list-page'
import { mountThreadList, settle, stubThreadListPage } from '../support/thread-list-page'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

const listed = (threadId: string, title: string) => ({ threadId, title, renamed: false, active: false, waiting: false, lastJob: { id: `job-${threadId}`, threadId, status: 'completed', createdAt: 1, updatedAt: 1 } })

let page: ThreadListPage
let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  page = stubThreadListPage([listed('a', 'Thread a'), listed('b', 'Thread b')])
})

afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.unstubAllGlobals()
})

const titleOf = (root: FakeNode, threadId: string) => {
  const link = allNodes(root).find(item => item.props['data-thread-id'] === threadId)
  return link ? textOf(allNodes(link).find(item => String(item.props.class ?? '').includes('thread-title'))!) : undefined
}
const renameLabelOf = (root: FakeNode, threadId: string) => allNodes(root).find(item => item.props['data-rename-thread'] === threadId)?.props['aria-label']

describe('ThreadList: a thread renamed elsewhere', () => {
  it('shows the new title from the notification at once, as typed, without reading the list again', async () => {
    const list = mountThreadList()
    mounted = list
    await settle()
    expect(titleOf(list.root, 'a')).toBe('Thread a')
    const readsBefore = page.reads
    for (const listener of page.notificationListeners) listener({ type: 'thread-renamed', jobId: '', threadId: 'a', title: '**Lisbon** trip', id: 5, at: 5 })
    await settle()
    expect(titleOf(list.root, 'a')).toBe('**Lisbon** trip')
    expect(renameLabelOf(list.root, 'a')).toBe('Rename thread: **Lisbon** trip')
    expect(titleOf(list.root, 'b')).toBe('Thread b')
    expect(page.reads).toBe(readsBefore)
    // One of a thread this list does not show changes nothing.
    for (const listener of page.notificationListeners) listener({ type: 'thread-renamed', jobId: '', threadId: 'elsewhere', title: 'Other', id: 6, at: 6 })
    await settle()
    expect([titleOf(list.root, 'a'), titleOf(list.root, 'b'), page.reads]).toEqual(['**Lisbon** trip', 'Thread b', readsBefore])
  })
})
