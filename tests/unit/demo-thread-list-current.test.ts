/**
 * The thread list marks the conversation on screen (highlighted, `aria-current`) on the /ai-sdk
 * page too, whose chat id is in `?chat=`: before, it marked only a thread opened at /threads/<id>,
 * so on /ai-sdk no thread looked open — a user could not see which of the list's conversations
 * they were in (and a screen reader heard none as current). Its link leads to another page (the
 * thread in the main chat), so there it is the current item (`true`), not the current `page`.
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import type { ThreadListPage } from '../support/thread-list-page'
import { mountThreadList, settle, stubThreadListPage } from '../support/thread-list-page'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))

const running = { threadId: 'a', title: 'Thread a', active: true, waiting: false, lastJob: { id: 'job-a', threadId: 'a', status: 'running', createdAt: 1, updatedAt: 1 } }
/** Another thread of the list. */
const other = { ...running, threadId: 'b', title: 'Thread b', lastJob: { ...running.lastJob, id: 'job-b', threadId: 'b' } }

let page: ThreadListPage
let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  page = stubThreadListPage([running, other], { path: '/ai-sdk', params: {}, query: { chat: 'a' } })
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

const currentOf = (root: FakeNode, as = 'page') => allNodes(root).filter(item => item.props['aria-current'] === as).map(item => item.props['data-thread-id'])

describe('ThreadList: the conversation on screen', () => {
  it('is marked the current item on /ai-sdk (its ?chat=), not the current page its link leads to', async () => {
    const root = mount()
    await settle()
    expect(currentOf(root, 'true')).toEqual(['a'])
    expect(currentOf(root)).toEqual([])
  })

  it('is the thread of /threads/<id>, and none on another page', async () => {
    page.route = { path: '/threads/b', params: { threadId: 'b' }, query: {} }
    const root = mount()
    await settle()
    expect(currentOf(root)).toEqual(['b'])
    expect(currentOf(root, 'true')).toEqual([])
    mounted!.unmount()
    page.route = { path: '/workflows', params: {}, query: { chat: 'a' } }
    const again = mount()
    await settle()
    expect(currentOf(again)).toEqual([])
    expect(currentOf(again, 'true')).toEqual([])
  })
})
