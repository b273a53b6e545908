/**
 * The sidebar's "live" badge follows its job's end: it went only once the list was read again
 * after the `job-end` notification (a round trip, about a second on a loaded server), and a read
 * started before the end (another notification's) brought it back when it landed last. It goes
 * as the notification arrives now, whatever order the reads come back in — or before it, when the
 * open thread's own stream brought the end (ThreadView's report, through useEndsHeard).
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import { mountThreadList, settle, stubThreadListPage } from '../support/thread-list-page'
import { useEndsHeard } from '../../demo/app/composables/useEndsHeard'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

const listed = (threadId: string, active: boolean) => ({ threadId, title: `Thread ${threadId}`, renamed: false, active, waiting: false, lastJob: { id: `job-${threadId}`, threadId, status: active ? 'running' : 'completed', createdAt: 1, updatedAt: 1 } })

let mounted: { unmount: () => void } | null = null

afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.unstubAllGlobals()
})

const liveBadge = (root: FakeNode, threadId: string) => {
  const link = allNodes(root).find(item => item.props['data-thread-id'] === threadId && String(item.props.class ?? '').includes('thread-link'))
  return Boolean(link && allNodes(link).some(item => String(item.props.class ?? '').includes('badge-live')))
}

describe('ThreadList: the "live" badge at a job\'s end', () => {
  it('goes as the job-end notification arrives, before the list is read again, and a read from before the end does not bring it back', async () => {
    const page = stubThreadListPage([listed('a', true), listed('b', true)])
    // Each read answers what the server listed when it was asked, once the test lets it go.
    const held: (() => void)[] = []
    let holding = false
    vi.stubGlobal('useBackgroundJobs', () => ({
      listThreads: async () => {
        page.reads++
        const threads = page.listed
        if (holding) await new Promise<void>(resolve => held.push(resolve))
        return { threads, next: null }
      },
      removeThread: async () => {},
      onDeleted: () => {},
    }))
    const list = mountThreadList()
    mounted = list
    await settle()
    expect([liveBadge(list.root, 'a'), liveBadge(list.root, 'b')]).toEqual([true, true])

    holding = true
    const notify = (notification: Record<string, unknown>) => {
      for (const listener of page.notificationListeners) listener({ threadId: 'a', title: 'Thread a', id: 1, at: 1, ...notification })
    }
    // A read asked while a's job still ran (its approval answered), then its end.
    notify({ type: 'input-answered', jobId: 'job-a', status: 'running', requestId: 'r1' })
    page.listed = [listed('a', false), listed('b', true)]
    notify({ type: 'job-end', jobId: 'job-a', status: 'completed' })
    await settle()
    expect(held).toHaveLength(2)
    expect(liveBadge(list.root, 'a')).toBe(false)
    expect(liveBadge(list.root, 'b')).toBe(true)

    // The read from after the end comes back first, then the one from before it.
    held[1]!()
    await settle()
    held[0]!()
    await settle()
    expect([liveBadge(list.root, 'a'), liveBadge(list.root, 'b')]).toEqual([false, true])
  })

  it('goes when the open thread heard its job end, before any notification or read', async () => {
    const page = stubThreadListPage([listed('a', true), listed('b', true)])
    const list = mountThreadList()
    mounted = list
    await settle()
    const readsBefore = page.reads
    useEndsHeard().heard('job-a')
    await settle()
    expect([liveBadge(list.root, 'a'), liveBadge(list.root, 'b'), page.reads]).toEqual([false, true, readsBefore])
    // Kept no longer than the thread's newest job is that one.
    page.listed = [{ ...listed('a', true), lastJob: { ...listed('a', true).lastJob, id: 'job-a2' } }, listed('b', true)]
    await page.refreshList()
    await settle()
    expect([liveBadge(list.root, 'a'), useEndsHeard().ended.value]).toEqual([true, []])
  })
})
