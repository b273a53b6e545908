/**
 * A thread longer than the main chat's newest page, edited on the AI SDK page: First and Second
 * sent there, then First edited (the page shows [First edited]). The main chat read only its
 * newest page (two jobs here: Second and First edited) and ran the place-and-drop rule
 * (`currentTurns`) over those: First's first job was not among them, so the edit read as a new
 * message, and the next message sent the model Second, a turn the edit dropped, shown unmarked.
 * On such a thread the main chat now reads the thread's job summaries when it opens and before a
 * send (lib/thread-current-jobs.ts).
 * The real routes serve the thread; ThreadView is mounted with its newest page, its turns are
 * stand-ins that report the answers the routes gave, and the composer a stand-in that sends.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatHistoryMessage, JobListPage } from '../../app/lib/api-types'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { withThreadJobs } from '../../demo/app/lib/thread-current-jobs'
import { crossPageChat, echoAnswer, said } from '../support/cross-page-chat'
import { allNodes, mountClient, textOf, withClientTemplate } from '../support/demo-client-render'
import { useFakedJobClock } from '../support/faked-job-clock'
import { useServedRoutes } from '../support/route-app'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'
import { turnVersionComponents } from '../support/demo-turn-versions'
import { stubThreadViewGlobals } from '../support/thread-view-globals'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({ runners: { chat: echoAnswer }, now: () => Date.now() })
useFakedJobClock(app)
const { loaded, editedOnAiSdkPage } = crossPageChat(app)
const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component

/** The list route, as `useBackgroundJobs().listPage` reads it. */
async function listPage(query: { threadId: string, limit?: number, before?: string }): Promise<JobListPage> {
  const params = new URLSearchParams({ threadId: query.threadId, ...(query.limit ? { limit: String(query.limit) } : {}), ...(query.before ? { before: query.before } : {}) })
  return await (await fetch(`${app.base}/api/jobs?${params}`)).json() as JobListPage
}

/** A stand-in turn: reports its job finished with the echo runner's answer, and shows its out-of-conversation line. */
const JobTurn = vue.defineComponent({
  props: { job: { type: Object, required: true }, outOfConversation: { type: String, default: null } },
  emits: ['update'],
  setup(props, { emit }) {
    vue.onMounted(() => emit('update', { answer: `Answer to ${(props.job as ThreadJob).prompt}`, status: 'completed', active: false, waiting: false, loading: false, connection: 'closed' }))
    return () => vue.h('article', { 'data-prompt': (props.job as ThreadJob).prompt }, props.outOfConversation ?? '')
  },
})
const Empty = vue.defineComponent({ setup: () => () => null })

let sendFromComposer: ((text: string) => Promise<boolean>) | undefined
const ChatComposer = vue.defineComponent({
  props: { send: { type: Function, required: true } },
  setup(props, { expose }) {
    sendFromComposer = props.send as (text: string) => Promise<boolean>
    // The page's first load on a desktop puts the focus in the box.
    expose({ focus: () => {} })
    return () => null
  },
})

/**
 * ThreadView showing the newest `pageSize` jobs of `chatId`: each turn's out-of-conversation line
 * once the thread is open, what it sends the model with `text`, and how many list reads that took.
 */
async function mainChatSends(chatId: string, text: string, pageSize: number): Promise<{ lines: Record<string, string>, messages: ChatHistoryMessage[], reads: number }> {
  const newest = await listPage({ threadId: chatId, limit: pageSize })
  const sent: ChatHistoryMessage[][] = []
  const reading: Array<Promise<JobListPage>> = []
  let reads = 0
  vi.stubGlobal('useThreadTurns', () => {
    const turns = vue.ref([...newest.jobs].reverse())
    return {
      jobs: turns, refresh: async () => {}, listStatus: vue.ref('success'), listError: vue.ref(null),
      earlier: vue.ref([]), hasEarlier: vue.ref(newest.next !== null), loadingEarlier: vue.ref(false), earlierFailed: vue.ref(null),
      loadEarlier: async () => 0, mounted: vue.ref(true), turns, addLocalJob: () => {}, remove: () => {},
    }
  })
  vi.stubGlobal('useBackgroundJobs', () => ({
    start: async (request: { messages: ChatHistoryMessage[] }) => {
      sent.push(request.messages)
      return { id: 'started', status: 'queued' }
    },
    abort: vi.fn(),
    onDeleted: () => {},
    listPage: (query: Parameters<typeof listPage>[0]) => {
      reads++
      const read = listPage(query)
      reading.push(read)
      return read
    },
  }))
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: chatId }) }), { ...turnVersionComponents(), JobTurn, ChatComposer, ThreadEmptyState: Empty, ThreadStatusLine: Empty })
  await vue.nextTick()
  await Promise.all(reading)
  await vue.nextTick()
  // The turns shown: an earlier version of a turn (TurnVersions.vue) is there, hidden until chosen.
  const lines = Object.fromEntries(allNodes(container).filter(node => node.tag === 'article' && node.style.display !== 'none').map(node => [String(node.props['data-prompt']), textOf(node)]))
  for (const node of allNodes(container)) Object.assign(node, { scrollTo: () => {} })
  expect(await sendFromComposer!(text)).toBe(true)
  unmount()
  return { lines, messages: sent[0]!, reads }
}

beforeEach(() => {
  stubThreadViewGlobals()
  // Not a touch screen: the composer's focus is as on a desktop.
  vi.stubGlobal('window', { matchMedia: () => ({ matches: false }) })
})
afterEach(() => vi.unstubAllGlobals())

describe('the main chat on a thread longer than the page it has read', () => {
  it('sends the model the turns the AI SDK page shows after an edit of a message on an earlier page', async () => {
    const chatId = 'chat-long-edited-then-main-chat'
    await editedOnAiSdkPage(chatId)
    // Before: [Second, Answer to Second, First edited, Answer to First edited, Next].
    const { lines, messages, reads } = await mainChatSends(chatId, 'Next', 2)
    // Before: { Second: '', 'First edited': '' }.
    // Then { Second: DROPPED_BY_EDIT, 'First edited': '' }: shown, marked. An edit's dropped turns now leave the view (lib/answer-versions.ts).
    expect(lines).toEqual({ 'First edited': '' })
    expect(said(messages)).toEqual([...await loaded(chatId), ['user', 'Next']])
    // Three jobs: one read of the thread's summaries when it opens, one before the message.
    expect(reads).toBe(2)
  })

  it('a thread on one page is sent the same, without reading it again', async () => {
    const chatId = 'chat-short-edited-then-main-chat'
    await editedOnAiSdkPage(chatId)
    const { lines, messages, reads } = await mainChatSends(chatId, 'Next', 100)
    // Was { First: ANSWERED_AGAIN, Second: DROPPED_BY_EDIT, 'First edited': '' }: shown, marked. Now they leave the view.
    expect(lines).toEqual({ 'First edited': '' })
    expect(said(messages)).toEqual([...await loaded(chatId), ['user', 'Next']])
    expect(reads).toBe(0)
  })
})

describe('withThreadJobs', () => {
  const job = (id: string, createdAt: number): ThreadJob => ({ id, type: 'chat', status: 'completed', threadId: 't', messageId: null, title: id, prompt: id, createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0 })

  it('adds the jobs read from before the turns shown, not one deleted from among them since', () => {
    const read = [job('j4', 4), job('j3', 3), job('j2', 2), job('j1', 1)]
    // j4 was deleted after the read: the thread no longer shows it.
    expect(withThreadJobs([job('j3', 3)], read).map(({ id }) => id)).toEqual(['j3', 'j2', 'j1'])
  })
})
