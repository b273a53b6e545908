/**
 * A message sent shows in the conversation at once, as in ChatGPT and Claude: the box emptied on
 * Enter, but nothing showed the message until the server answered the start (on a slow network,
 * seen in Chromium at 800 ms latency: a new thread kept its "Start a conversation" page, an open
 * one its last answer, and only the button said "Sending…" — the message seemed gone). It shows,
 * with the pulsing dots where the answer comes (no "sending…" chip, which ChatGPT and Claude do not
 * show; a screen reader still hears "sending…" there), until the turn the server started takes its
 * place; a send that fails takes it away (the box gets the text back). ThreadView and the turns' versions
 * are real; JobTurn, the composer and the empty state are stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StartedJob } from '../../app/lib/api-types'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { allNodes, mountClient, textOf, withClientTemplate } from '../support/demo-client-render'
import { FinishedJobTurn, turnVersionComponents } from '../support/demo-turn-versions'
import { stubThreadTurns, stubThreadViewGlobals } from '../support/thread-view-globals'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component
const EmptyState = vue.defineComponent({ setup: () => () => vue.h('p', { class: 'empty-state' }, 'Start a conversation') })

const turns = vue.ref<ThreadJob[]>([])
let answer: { resolve: (started: StartedJob) => void, reject: (error: Error) => void }
let sendText: (text: string) => Promise<boolean>

const ChatComposer = vue.defineComponent({
  props: { send: { type: Function, required: true } },
  setup(props) {
    sendText = props.send as (text: string) => Promise<boolean>
    return () => null
  },
})

beforeEach(() => {
  turns.value = []
  stubThreadViewGlobals()
  stubThreadTurns(turns)
  const start = () => new Promise<StartedJob>((resolve, reject) => {
    answer = { resolve, reject }
  })
  vi.stubGlobal('useBackgroundJobs', () => ({ start, abort: vi.fn(), onDeleted: () => {} }))
})
afterEach(() => {
  vi.unstubAllGlobals()
})

async function openThread(isNew: boolean) {
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1', isNew }) }), { ...turnVersionComponents(), JobTurn: FinishedJobTurn, ChatComposer, ThreadEmptyState: EmptyState, ThreadStatusLine: vue.defineComponent({ setup: () => () => null }) })
  await vue.nextTick()
  // The thread scrolls to the new message (no layout here).
  for (const node of allNodes(container)) Object.assign(node, { scrollTo: () => {} })
  const nodes = () => allNodes(container)
  return {
    unmount,
    pending: () => nodes().filter(node => node.tag === 'article' && String(node.props.class).includes('pending-turn')).map(textOf),
    /** In the message being sent: its answer's place, as classes (the dots, a chip) and the words only a screen reader gets. */
    pendingAnswer: () => {
      const inside = allNodes(nodes().find(node => String(node.props.class).includes('pending-turn'))!)
      const classes = inside.flatMap(node => String(node.props.class ?? '').split(/\s+/))
      return { typing: classes.includes('typing-indicator'), chip: classes.includes('status-chip'), hidden: inside.filter(node => String(node.props.class ?? '').includes('visually-hidden')).map(textOf) }
    },
    turns: () => nodes().filter(node => node.tag === 'article' && node.props['data-job-id']).map(node => node.props['data-job-id']),
    emptyState: () => nodes().some(node => String(node.props.class).includes('empty-state')),
  }
}

const settle = async () => {
  for (let tick = 0; tick < 5; tick++) await vue.nextTick()
}

describe('ThreadView: a message being sent', () => {
  it('shows at once in a new thread, in place of the empty state, until the started turn takes its place', async () => {
    const page = await openThread(true)
    expect(page.emptyState()).toBe(true)
    const sent = sendText('What time is it?')
    await settle()
    expect(page.pending()).toHaveLength(1)
    expect(page.pending()[0]).toContain('What time is it?')
    // Before: a "sending…" chip, no dots.
    expect(page.pendingAnswer()).toEqual({ typing: true, chip: false, hidden: ['You said:', 'sending…'] })
    expect(page.emptyState()).toBe(false)
    answer.resolve({ id: 'j1', status: 'queued', streamUrl: '', threadId: 't1', created: true })
    expect(await sent).toBe(true)
    await settle()
    expect([page.pending(), page.turns()]).toEqual([[], ['j1']])
    page.unmount()
  })

  it('shows under the turns of an open thread, and goes when the send fails', async () => {
    turns.value = [{ id: 'j0', type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: 'Earlier', prompt: 'Earlier', createdAt: 10, updatedAt: 10, endedAt: 10, lastSeq: 0 }]
    const page = await openThread(false)
    const sent = sendText('And a follow-up')
    await settle()
    expect(page.turns()).toEqual(['j0'])
    expect(page.pending()).toHaveLength(1)
    answer.reject(new Error('network'))
    expect(await sent).toBe(false)
    await settle()
    expect([page.pending(), page.turns()]).toEqual([[], ['j0']])
    page.unmount()
  })
})
