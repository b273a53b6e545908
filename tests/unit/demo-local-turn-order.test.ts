/**
 * A message sent from the main chat is shown at once, before the thread's list is read again
 * (`addLocalJob`), with the time it was sent by this browser's clock. The thread orders its turns
 * by `createdAt`, which for every other turn is the server's: with this computer's clock behind the
 * server's, the new message was shown above the turns it follows, and the next message sent the
 * model the turns in that wrong order, the newest question first. A turn started here now goes
 * after every turn shown. The turns and the composer are stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatHistoryMessage } from '../../app/lib/api-types'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { allNodes, mountClient, withClientTemplate } from '../support/demo-client-render'
import { stubThreadTurns, stubThreadViewGlobals } from '../support/thread-view-globals'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'
import { FinishedJobTurn, turnVersionComponents } from '../support/demo-turn-versions'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component

const JobTurn = FinishedJobTurn
/** The composer stand-in keeps the thread's `send`. */
let send: (text: string) => Promise<boolean> = async () => false
const ChatComposer = vue.defineComponent({
  props: { send: { type: Function, required: true } },
  setup(props) {
    send = props.send as typeof send
    return () => null
  },
})
const Empty = vue.defineComponent({ setup: () => () => null })

/** The server's clock is 10 minutes ahead of this browser's. */
const SERVER_NOW = Date.UTC(2026, 0, 1, 12, 10)
const BROWSER_NOW = Date.UTC(2026, 0, 1, 12, 0)

function job(id: string, createdAt: number): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: `Question ${id}`, prompt: `Question ${id}`, createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0 }
}

const sent: ChatHistoryMessage[][] = []

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(BROWSER_NOW)
  sent.length = 0
  stubThreadViewGlobals()
  const turns = vue.ref<ThreadJob[]>([job('j1', SERVER_NOW - 60_000), job('j2', SERVER_NOW - 30_000)])
  let started = 2
  stubThreadTurns(turns)
  vi.stubGlobal('useBackgroundJobs', () => ({
    start: async (request: { messages: ChatHistoryMessage[] }) => {
      sent.push(request.messages)
      return { id: `j${++started}`, status: 'queued', streamUrl: '', threadId: 't1' }
    },
    abort: vi.fn(),
    onDeleted: () => {},
  }))
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('ThreadView: a message sent with this computer\'s clock behind the server\'s', () => {
  it('is shown after the turns it follows, and goes after them in the next message\'s history', async () => {
    const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn, ChatComposer, ThreadEmptyState: Empty, ThreadStatusLine: Empty })
    await vue.nextTick()
    // Sending scrolls to the newest message: the fake element has no scrolling.
    for (const node of allNodes(container)) Object.assign(node, { scrollTo: () => {} })
    expect(await send('Question j3')).toBe(true)
    await vue.nextTick()
    const shownOrder = () => allNodes(container).filter(node => node.tag === 'article').map(node => node.props['data-job-id'])
    expect(shownOrder()).toEqual(['j1', 'j2', 'j3'])
    expect(await send('Question j4')).toBe(true)
    await vue.nextTick()
    expect(shownOrder()).toEqual(['j1', 'j2', 'j3', 'j4'])
    expect(sent.at(-1)!.filter(message => message.role === 'user').map(message => message.content)).toEqual(['Question j1', 'Question j2', 'Question j3', 'Question j4'])
    unmount()
  })
})
