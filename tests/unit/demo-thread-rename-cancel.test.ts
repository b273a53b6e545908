/**
 * While a thread's title is edited in the sidebar, the × beside the field was still the thread's
 * Delete: on a phone (no Escape key) a user who wanted out of the edit tapped the × beside the
 * field, as one does beside any field — the blur saved the half-typed title and the dialog asked
 * to delete the whole thread (seen in Chromium at 390 px). The × now cancels the edit: the title
 * stays as it was, nothing is asked of the server, and Delete is back once the field is gone. It
 * keeps the field's focus meanwhile (its pointer-down does not move it: a blur would save), and
 * Tab skips it. ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes } from '../support/demo-client-render'
import type { ThreadListPage } from '../support/thread-list-page'
import { mountThreadList, settle, stubThreadListPage } from '../support/thread-list-page'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', () => import('../support/thread-delete-dialog-stub'))
// The field itself is another test's (thread-rename-focus.browser): a stand-in here.
vi.mock('../../demo/app/components/ThreadRenameField.vue', async () => ({ default: (await import('vue')).defineComponent({ render: () => null }) }))

const listed = (threadId: string, title: string) => ({ threadId, title, renamed: false, active: false, waiting: false, lastJob: { id: `job-${threadId}`, threadId, status: 'completed', createdAt: 1, updatedAt: 1 } })

let page: ThreadListPage
let mounted: { unmount: () => void } | null = null
const renames: Array<[string, string]> = []

beforeEach(() => {
  renames.length = 0
  page = stubThreadListPage([listed('a', 'Thread a'), listed('b', 'Thread b')])
  vi.stubGlobal('useBackgroundJobs', () => ({
    listThreads: async () => ({ threads: page.listed, next: null }),
    renameThread: async (threadId: string, title: string) => {
      renames.push([threadId, title])
      return { threadId, title }
    },
    removeThread: async () => {},
    onDeleted: () => {},
  }))
})

afterEach(() => {
  mounted?.unmount()
  mounted = null
  vi.unstubAllGlobals()
})

const buttonsOf = (root: FakeNode) => allNodes(root).filter(node => node.tag === 'button').map(node => String(node.props['aria-label']))
const press = (node: FakeNode | undefined, handler = 'onClick') => (node!.props[handler] as (event: unknown) => void)({ currentTarget: node, preventDefault: () => {} })

describe('ThreadList: the × beside a title being edited', () => {
  it('cancels the edit instead of asking to delete the thread, keeps the focus in the field, and Tab skips it', async () => {
    const list = mountThreadList()
    mounted = list
    await settle()
    press(allNodes(list.root).find(node => node.props['data-rename-thread'] === 'a'))
    await settle()
    expect(buttonsOf(list.root).filter(label => label !== 'undefined').sort()).toEqual(['Cancel renaming', 'Delete thread: Thread b', 'Rename thread: Thread b'])
    const cancel = allNodes(list.root).find(node => node.props['aria-label'] === 'Cancel renaming')!
    expect(cancel.props.tabindex).toBe('-1')
    let prevented = 0
    for (const handler of ['onPointerdown', 'onMousedown']) (cancel.props[handler] as (event: unknown) => void)({ preventDefault: () => void prevented++ })
    expect(prevented).toBe(2)
    // The field goes with the edit: the focus goes back to the thread, as after Escape.
    const focusedThreads: string[] = []
    for (const node of allNodes(list.root)) Object.assign(node, { querySelector: (selector: string) => ({ focus: () => void focusedThreads.push(selector) }) })
    press(cancel)
    await settle()
    expect(focusedThreads).toEqual(['.thread-link[data-thread-id="a"]'])
    expect(buttonsOf(list.root).filter(label => label !== 'undefined').sort()).toEqual(['Delete thread: Thread a', 'Delete thread: Thread b', 'Rename thread: Thread a', 'Rename thread: Thread b'])
    expect(renames).toEqual([])
  })
})
