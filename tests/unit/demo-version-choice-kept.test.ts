/**
 * The answer version the user chose is kept in this browser, as ChatGPT keeps it: a reload showed
 * the newest again. A choice outdated by a newer version, or of a version gone since, shows the
 * newest and is forgotten; a lost version a newer one hides is forgotten from this browser's lists
 * (remembered jobs, kept answers) instead of staying there for nothing. ThreadView, the turn's
 * versions and the switcher are real; the turns' JobTurn and the composer are stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { knownJobs, rememberJobs } from '../../demo/app/lib/known-jobs'
import { keepAnswer, keptAnswer } from '../../demo/app/lib/kept-answers'
import { VERSION_CHOICE_STORAGE_PREFIX } from '../../demo/app/lib/version-choices'
import type { FakeNode } from '../support/demo-client-render'
import { fakeStorage } from '../support/fake-storage'
import { allNodes, mountClient, withClientTemplate } from '../support/demo-client-render'
import { FinishedJobTurn, turnVersionComponents } from '../support/demo-turn-versions'
import { stubThreadTurns, stubThreadViewGlobals } from '../support/thread-view-globals'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component

const JobTurn = FinishedJobTurn
const Empty = vue.defineComponent({ setup: () => () => null })

function job(id: string, createdAt: number, extra: Partial<ThreadJob> = {}): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: `Question ${id}`, prompt: `Question ${id}`, createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0, ...extra }
}

const turns = vue.ref<ThreadJob[]>([])
let store = fakeStorage().store

beforeEach(() => {
  const local = fakeStorage()
  store = local.store
  stubThreadViewGlobals()
  vi.stubGlobal('localStorage', local.area)
  stubThreadTurns(turns)
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** The thread's page, loaded afresh (a reload): what it shows once mounted. */
async function openThread() {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn, ChatComposer: Empty, ThreadEmptyState: Empty, ThreadStatusLine: Empty })
  await vue.nextTick()
  await vue.nextTick()
  const nodes = () => allNodes(container)
  return {
    unmount,
    shown: () => nodes().filter(node => node.tag === 'article' && node.style.display !== 'none').map(node => node.props['data-job-id']),
    button: (label: string) => nodes().find(node => node.tag === 'button' && node.props['aria-label'] === label),
  }
}

const click = (node: FakeNode | undefined) => (node!.props.onClick as () => void)()
const storedChoices = () => [...store.keys()].filter(key => key.startsWith(VERSION_CHOICE_STORAGE_PREFIX))

describe('ThreadView: the answer version chosen, kept in this browser', () => {
  it('shows the version chosen again after a reload, and the newest once the user goes back to it', async () => {
    turns.value = [job('j1', 10), job('j2', 20, { messageId: 'j1', startedBy: 'jobs' })]
    let page = await openThread()
    expect(page.shown()).toEqual(['j2'])
    click(page.button('Previous version'))
    await vue.nextTick()
    expect(page.shown()).toEqual(['j1'])
    page.unmount()
    // Before: the newest again.
    page = await openThread()
    expect(page.shown()).toEqual(['j1'])
    click(page.button('Next version'))
    await vue.nextTick()
    expect(storedChoices()).toEqual([])
    page.unmount()
    page = await openThread()
    expect(page.shown()).toEqual(['j2'])
    page.unmount()
  })

  it('shows the newest, and forgets the choice, once a newer version came or the chosen one is gone', async () => {
    turns.value = [job('j1', 10), job('j2', 20, { messageId: 'j1', startedBy: 'jobs' })]
    let page = await openThread()
    click(page.button('Previous version'))
    await vue.nextTick()
    page.unmount()
    expect(storedChoices()).toHaveLength(1)
    // A Regenerate in another tab meanwhile.
    turns.value = [...turns.value, job('j3', 30, { messageId: 'j1', startedBy: 'jobs' })]
    page = await openThread()
    expect(page.shown()).toEqual(['j3'])
    expect(storedChoices()).toEqual([])
    click(page.button('Previous version'))
    await vue.nextTick()
    expect(page.shown()).toEqual(['j2'])
    page.unmount()
    // The version chosen was deleted.
    turns.value = turns.value.filter(shown => shown.id !== 'j2')
    page = await openThread()
    expect(page.shown()).toEqual(['j3'])
    expect(storedChoices()).toEqual([])
    page.unmount()
  })
})

describe('ThreadView: a lost version a newer one hides', () => {
  it('is forgotten in this browser: its remembered job and its kept answer', async () => {
    const lost = job('j1', 10, { status: 'running', endedAt: null })
    rememberJobs([lost, job('j2', 20, { messageId: 'j1', startedBy: 'jobs' })])
    keepAnswer('j1', 'Half an answer')
    turns.value = [{ ...lost, missing: true }, job('j2', 20, { messageId: 'j1', startedBy: 'jobs' })]
    const page = await openThread()
    expect(page.shown()).toEqual(['j2'])
    expect(knownJobs('t1').map(known => known.id)).toEqual(['j2'])
    expect(keptAnswer('j1')).toBeNull()
    page.unmount()
  })

  it('is kept while it is its turn\'s newest (shown lost, with Retry)', async () => {
    const lost = job('j1', 10, { status: 'running', endedAt: null })
    rememberJobs([lost])
    turns.value = [{ ...lost, missing: true }]
    const page = await openThread()
    expect(page.shown()).toEqual(['j1'])
    expect(knownJobs('t1').map(known => known.id)).toEqual(['j1'])
    page.unmount()
  })
})

describe('ThreadView: a message sent while an earlier version is shown', () => {
  it('shows the newest versions again, and forgets the choice: the new answer went on from them', async () => {
    turns.value = [job('j1', 10), job('j2', 20, { messageId: 'j1', startedBy: 'jobs' })]
    const start = vi.fn(async () => ({ id: 'j3', status: 'queued', streamUrl: '', threadId: 't1', created: true }))
    vi.stubGlobal('useBackgroundJobs', () => ({ start, abort: vi.fn(), onDeleted: () => {} }))
    let sendText: ((text: string) => Promise<boolean>) | undefined
    const ChatComposer = vue.defineComponent({
      props: { send: { type: Function, required: true } },
      setup(props) {
        sendText = props.send as (text: string) => Promise<boolean>
        return () => null
      },
    })
    const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn, ChatComposer, ThreadEmptyState: Empty, ThreadStatusLine: Empty })
    await vue.nextTick()
    await vue.nextTick()
    const shown = () => allNodes(container).filter(node => node.tag === 'article' && node.style.display !== 'none').map(node => node.props['data-job-id'])
    click(allNodes(container).find(node => node.tag === 'button' && node.props['aria-label'] === 'Previous version'))
    await vue.nextTick()
    expect(shown()).toEqual(['j1'])
    expect(storedChoices()).toHaveLength(1)

    // The thread scrolls to the new answer (no layout here).
    for (const node of allNodes(container)) Object.assign(node, { scrollTo: () => {} })
    expect(await sendText!('And a follow-up')).toBe(true)
    await vue.nextTick()
    // The follow-up was sent with the newest answer as history: that is the one on screen above it.
    expect((start.mock.calls[0] as unknown as [{ messages: Array<{ role: string, content: string }> }])[0].messages.map(message => message.role)).toEqual(['user', 'assistant', 'user'])
    expect(shown()).toEqual(['j2', 'j3'])
    expect(storedChoices()).toEqual([])
    unmount()
  })
})
