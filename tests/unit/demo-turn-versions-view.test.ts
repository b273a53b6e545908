/**
 * Regenerate in the main chat, as ChatGPT and Claude show it: the new answer is a second version of
 * the same turn, in place, with "‹ 2 / 2 ›" under it (TurnVersions.vue, VersionSwitcher.vue), not a
 * new turn with the same prompt below the old one ("answered again below"). Going back shows the
 * earlier version, marked as not the one the conversation goes on with, and a screen reader hears
 * "Version 1 of 2". ThreadView and the turn's versions are real; the turns' JobTurn and the
 * composer are stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatHistoryMessage } from '../../app/lib/api-types'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { EARLIER_VERSION } from '../../demo/app/lib/out-of-conversation'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, textOf, withClientTemplate } from '../support/demo-client-render'
import { turnVersionComponents } from '../support/demo-turn-versions'
import { stubThreadTurns, stubThreadViewGlobals } from '../support/thread-view-globals'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component

/**
 * A stand-in turn: reports its answer finished (lost when the server no longer lists it); shows its
 * line, whether it offers Regenerate, a button that asks again and one that saves an edit of it.
 */
const JobTurn = vue.defineComponent({
  props: { job: { type: Object, required: true }, outOfConversation: { type: String, default: null }, isLast: Boolean, olderVersion: Boolean, edit: { type: Function, default: undefined } },
  emits: ['update', 'retry'],
  setup(props, { emit }) {
    const job = props.job as ThreadJob
    vue.watchEffect(() => {
      const active = running.has(job.id)
      emit('update', { answer: `Answer ${job.id}`, status: job.missing ? 'lost' : active ? 'running' : 'completed', active, waiting: false, loading: false, connection: 'closed' })
    })
    return () => vue.h('article', { 'data-job-id': job.id, 'data-regenerate': props.isLast && !props.olderVersion }, [
      props.outOfConversation ?? '',
      vue.h('button', { class: 'again', onClick: () => emit('retry', job.prompt) }, 'Regenerate'),
      vue.h('button', { 'aria-label': 'Save edit', 'onClick': () => props.edit?.(job, `${job.prompt} edited`) }),
    ])
  },
})
const ChatComposer = vue.defineComponent({
  setup(_props, { expose }) {
    expose({ focus: () => {}, suggest: () => {} })
    return () => null
  },
})
const Empty = vue.defineComponent({ setup: () => () => null })

function job(id: string, createdAt: number, extra: Partial<ThreadJob> = {}): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: `Question ${id}`, prompt: `Question ${id}`, createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0, ...extra }
}

/** The stand-in turns still being written. */
const running = vue.reactive(new Set<string>())
const sent: ChatHistoryMessage[][] = []
const turns = vue.ref<ThreadJob[]>([])

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(1_000)
  sent.length = 0
  running.clear()
  stubThreadViewGlobals()
  // A desktop: Retry and Regenerate give the focus to the box.
  vi.stubGlobal('window', { matchMedia: () => ({ matches: false }) })
  turns.value = [job('j1', 10), job('j2', 20)]
  stubThreadTurns(turns)
  vi.stubGlobal('useBackgroundJobs', () => ({
    start: async (request: { messages: ChatHistoryMessage[] }) => {
      sent.push(request.messages)
      return { id: `j${sent.length + 2}`, status: 'queued', streamUrl: '', threadId: 't1' }
    },
    abort: vi.fn(),
    onDeleted: () => {},
  }))
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

function mountThread() {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn, ChatComposer, ThreadEmptyState: Empty, ThreadStatusLine: Empty })
  const nodes = () => allNodes(container)
  return {
    unmount,
    /** The turns on screen (a version not shown is there, hidden). */
    shown: () => nodes().filter(node => node.tag === 'article' && node.style.display !== 'none').map(node => [node.props['data-job-id'], textOf(node).replace('Regenerate', '')]),
    article: (id: string) => nodes().find(node => node.tag === 'article' && node.props['data-job-id'] === id)!,
    button: (label: string) => nodes().find(node => node.tag === 'button' && node.props['aria-label'] === label),
    switcher: () => nodes().find(node => String(node.props.class).includes('version-switcher')),
    heard: () => nodes().filter(node => String(node.props.class).includes('thread-announcer')).flatMap(node => node.children.map(textOf)),
    /** Lets the fake elements take what sending does to them (scrolling, focus). */
    settle: () => nodes().forEach(node => Object.assign(node, { scrollTo: () => {}, focus: () => {} })),
  }
}

const click = (node: FakeNode | undefined) => (node!.props.onClick as () => void)()

describe('ThreadView: Regenerate makes a version of the answer in place', () => {
  it('shows the new answer as version 2 of 2 in the same place, and goes back to version 1 on "Previous version"', async () => {
    const view = mountThread()
    await vue.nextTick()
    expect(view.shown()).toEqual([['j1', ''], ['j2', '']])
    expect(view.switcher()).toBeUndefined()
    view.settle()

    // Regenerate on the newest answer (JobTurn emits `retry`, as its footer button does).
    click(allNodes(view.article('j2')).find(node => node.tag === 'button'))
    await vi.waitFor(() => expect(turns.value).toHaveLength(3))
    await vue.nextTick()
    // Before: three turns shown, j3 below j2 with the same prompt, and j2 "answered again below".
    expect(view.shown()).toEqual([['j1', ''], ['j3', '']])
    expect(textOf(view.switcher()!)).toContain('2 / 2')
    expect(textOf(view.switcher()!)).toContain('Version 2 of 2')
    expect(view.heard()).toContain('Version 2 of 2.')
    // Only the newest version of the newest turn offers Regenerate; the model was asked without j2's answer.
    expect(view.article('j3').props['data-regenerate']).toBe(true)
    expect(view.article('j2').props['data-regenerate']).toBe(false)
    expect(sent[0]!.map(message => message.content)).toEqual(['Question j1', 'Answer j1', 'Question j2'])
    expect(view.button('Next version')!.props['aria-disabled']).toBe(true)

    click(view.button('Previous version'))
    await vue.nextTick()
    expect(view.shown()).toEqual([['j1', ''], ['j2', EARLIER_VERSION]])
    expect(textOf(view.switcher()!)).toContain('1 / 2')
    expect(view.heard()).toContain('Version 1 of 2.')
    expect(view.button('Previous version')!.props['aria-disabled']).toBe(true)

    click(view.button('Next version'))
    await vue.nextTick()
    expect(view.shown()).toEqual([['j1', ''], ['j3', '']])
    view.unmount()
  })

  it('shows a version that comes after the user went back (another tab\'s Regenerate) at once', async () => {
    turns.value = [job('j1', 10), job('j2', 20, { messageId: 'j1', startedBy: 'jobs' })]
    const view = mountThread()
    await vue.nextTick()
    click(view.button('Previous version'))
    await vue.nextTick()
    expect(view.shown()).toEqual([['j1', EARLIER_VERSION]])
    turns.value = [...turns.value, job('j9', 30, { messageId: 'j1', startedBy: 'jobs' })]
    await vue.nextTick()
    expect(view.shown()).toEqual([['j9', '']])
    expect(textOf(view.switcher()!)).toContain('3 / 3')
    expect(view.heard()).toContain('Version 3 of 3.')
    view.unmount()
  })
})

describe('ThreadView: the newest version still being written, while an earlier one is shown', () => {
  it('says so on the switcher, to the eye and to a screen reader, until it ends', async () => {
    turns.value = [job('j1', 10), job('j2', 20, { messageId: 'j1', startedBy: 'jobs', status: 'running' })]
    running.add('j2')
    const view = mountThread()
    await vue.nextTick()
    // The newest shown: its own chip says it (the stand-in has none), the switcher nothing more.
    expect(textOf(view.switcher()!)).not.toContain('writing')
    click(view.button('Previous version'))
    await vue.nextTick()
    // Before: "1 / 2" alone, nothing on the turn saying the newest was still being written.
    expect(textOf(view.switcher()!)).toContain('newest writing…')
    expect(textOf(view.switcher()!)).toContain('Version 1 of 2; the newest is still being written')
    expect(view.heard()).toContain('Version 1 of 2; the newest is still being written.')
    running.delete('j2')
    await vue.nextTick()
    await vue.nextTick()
    expect(textOf(view.switcher()!)).not.toContain('writing')
    view.unmount()
  })
})

describe('ThreadView: a lost turn\'s Retry and an edit saved meanwhile', () => {
  it('leaves the lost turn (and its kept answer) alone when the edit starts, and keeps it when the Retry then fails', async () => {
    turns.value = [job('j1', 10, { missing: true }), job('j2', 20)]
    let failRetry: (failure: Error) => void = () => {}
    vi.stubGlobal('useBackgroundJobs', () => ({
      start: () => new Promise((_resolve, reject) => failRetry = reject),
      abort: vi.fn(),
      onDeleted: () => {},
    }))
    // The edit's post: its stream names the new job at once.
    vi.stubGlobal('fetch', async () => new Response('data: {"type":"start","messageId":"e1"}\n\n'))
    vi.stubGlobal('useJobCatalog', () => ({ catalog: vue.ref(null) }))
    const view = mountThread()
    await vue.nextTick()
    view.settle()
    // Retry on the lost turn: its post is in flight. Then an edit of the other turn is saved.
    click(allNodes(view.article('j1')).find(node => node.tag === 'button'))
    click(allNodes(view.article('j2')).find(node => node.props['aria-label'] === 'Save edit'))
    await vi.waitFor(() => expect(turns.value.map(shown => shown.id)).toContain('e1'))
    // Before: the edit's start used up the Retry's "replacing" and removed j1.
    expect(turns.value.map(shown => shown.id)).toContain('j1')
    failRetry(new Error('unreachable'))
    await vue.nextTick()
    await vue.nextTick()
    expect(turns.value.map(shown => shown.id)).toContain('j1')
    view.unmount()
  })

  it('puts the Retry of a lost turn in its place', async () => {
    turns.value = [job('j1', 10, { missing: true })]
    const view = mountThread()
    await vue.nextTick()
    view.settle()
    click(allNodes(view.article('j1')).find(node => node.tag === 'button'))
    await vi.waitFor(() => expect(turns.value.map(shown => shown.id)).toEqual(['j3']))
    view.unmount()
  })
})
