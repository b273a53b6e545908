/**
 * The thread list's delete dialog closes as soon as the delete is done, and the list is read again
 * after it; once that read is back, the focus went to the neighbouring thread — wherever it was by
 * then. With the dialog closed, the page took input during the read (the point of closing it at
 * once): a user who had gone on to the message box lost the focus to a thread link mid-typing, and
 * their Enter opened that thread. The focus now moves only when nothing else took it meanwhile.
 * And the delete counted as under way until that read was back: another thread's delete asked
 * meanwhile opened a dialog saying "Deleting…", its buttons disabled and Escape ignored.
 * ThreadList.vue rendered by tests/support/demo-client-render.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import * as vue from 'vue'
import type { Component } from 'vue'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, focusState, mountClient, stubDocument, withClientTemplate } from '../support/demo-client-render'
import { stubListClock } from '../support/thread-list-page'
import ThreadListSsr from '../../demo/app/components/ThreadList.vue'
import ThreadRowSsr from '../../demo/app/components/ThreadRow.vue'

vi.mock('../../demo/app/components/ThreadDeleteDialog.vue', async () => {
  const { defineComponent, h } = await import('vue')
  return {
    default: defineComponent({
      props: { busy: Boolean },
      emits: ['confirm', 'cancel'],
      setup(props, { emit, expose }) {
        expose({ open: () => {}, close: () => {} })
        return () => h('button', { 'data-confirm-delete': true, 'disabled': props.busy, 'onClick': () => emit('confirm') })
      },
    }),
  }
})

const ThreadList = withClientTemplate(ThreadListSsr, 'demo/app/components/ThreadList.vue', {
  ThreadRow: withClientTemplate(ThreadRowSsr, 'demo/app/components/ThreadRow.vue'),
})

const NuxtLink = vue.defineComponent({
  props: { to: { type: String, required: true } },
  setup: (_props, { slots }) => () => vue.h('a', {}, slots.default?.()),
})

function thread(threadId: string, at: number) {
  return { threadId, title: `Thread ${threadId}`, active: false, waiting: false, lastJob: { id: `job-${threadId}`, threadId, status: 'completed', createdAt: at, updatedAt: at } }
}

let listed: ReturnType<typeof thread>[] = []
let listReads: Array<() => Promise<unknown>> = []
/** Holds the next removal until it is called, when set. */
let removal: Promise<void> | null = null
let mounted: { unmount: () => void } | null = null

beforeEach(() => {
  stubDocument()
  for (const name of ['ref', 'computed', 'watch', 'nextTick', 'onMounted', 'onBeforeUnmount'] as const) vi.stubGlobal(name, vue[name])
  listed = [thread('a', 3), thread('b', 2), thread('c', 1)]
  listReads = []
  removal = null
  vi.stubGlobal('useRoute', () => ({ params: {} }))
  vi.stubGlobal('navigateTo', async () => {})
  vi.stubGlobal('CSS', { escape: (value: string) => value })
  vi.stubGlobal('useBackgroundJobs', () => ({
    listThreads: async () => (listReads.shift()?.() ?? { threads: listed, next: null }),
    removeThread: async (threadId: string) => {
      await removal
      listed = listed.filter(item => item.threadId !== threadId)
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
    const refresh = async () => {
      data.value = await handler()
    }
    void refresh()
    return { data, refresh, status: vue.ref('success'), error: vue.ref(null) }
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
  const root = (mounted as unknown as { container: FakeNode }).container
  return root
}

/** `querySelector` as ThreadList uses it on its list: a thread link by its id, or "New thread". */
function withQuerySelector(root: FakeNode): void {
  const nav = allNodes(root).find(item => item.tag === 'nav')! as FakeNode & { querySelector: (selector: string) => FakeNode | null }
  nav.querySelector = (selector) => {
    const id = /data-thread-id="([^"]+)"/.exec(selector)?.[1]
    return allNodes(nav).find(item => (id ? item.props['data-thread-id'] === id : String(item.props.class ?? '').includes('new-thread'))) ?? null
  }
}

function click(node: FakeNode): void {
  ;(node.props.onClick as (event: unknown) => void)({ currentTarget: node })
}

describe('ThreadList: the focus after a delete', () => {
  it('stays where the user took it while the list was read again', async () => {
    const root = mount()
    await settle()
    withQuerySelector(root)
    click(allNodes(root).find(item => item.props['data-delete-thread'] === 'b')!)
    await settle()
    let answer!: (value: unknown) => void
    listReads.push(async () => new Promise((resolve) => {
      answer = resolve
    }))
    click(allNodes(root).find(item => item.props['data-confirm-delete'])!)
    await settle()
    // The dialog is closed: the user goes on to the message box while the list is read again.
    const messageBox = { tag: 'textarea' } as FakeNode
    focusState.active = messageBox
    answer({ threads: listed, next: null })
    await settle()
    expect(focusState.active?.tag).toBe('textarea')
    expect(focusState.active).toBe(messageBox)
  })

  it('lets another thread be deleted while the list is read again', async () => {
    const root = mount()
    await settle()
    withQuerySelector(root)
    click(allNodes(root).find(item => item.props['data-delete-thread'] === 'b')!)
    await settle()
    let answer!: (value: unknown) => void
    listReads.push(async () => new Promise((resolve) => {
      answer = resolve
    }))
    click(allNodes(root).find(item => item.props['data-confirm-delete'])!)
    await settle()
    // The first dialog closed; the next one asked before the read is back is not busy with the first delete.
    click(allNodes(root).find(item => item.props['data-delete-thread'] === 'c')!)
    await settle()
    const confirm = () => allNodes(root).find(item => item.props['data-confirm-delete'])!
    expect(confirm().props.disabled).toBe(false)
    let removed!: () => void
    removal = new Promise((resolve) => {
      removed = resolve
    })
    click(confirm())
    await settle()
    // The first read back while the second delete is under way: that one is still busy.
    answer({ threads: listed, next: null })
    await settle()
    expect(confirm().props.disabled).toBe(true)
    removed()
    await settle()
    expect(listed.map(item => item.threadId)).toEqual(['a'])
  })

  it('still goes to the neighbouring thread when nothing took it', async () => {
    const root = mount()
    await settle()
    withQuerySelector(root)
    click(allNodes(root).find(item => item.props['data-delete-thread'] === 'b')!)
    await settle()
    click(allNodes(root).find(item => item.props['data-confirm-delete'])!)
    await settle()
    expect(focusState.active?.props['data-thread-id']).toBe('c')
  })
})
