/**
 * The main chat sends the model only the thread's current turns (`currentTurns`, via
 * `buildHistory`), but showed every job the same way: after /ai-sdk edited an earlier message, the
 * turns the edit dropped, and the answers a Regenerate or Retry replaced, looked like part of the
 * conversation, and the user could not tell the model would not see them. Each such turn now gets
 * a line saying so (ThreadView.vue passes it, JobTurn.vue shows it, muted). The answers a
 * Regenerate or Retry replaced are now earlier versions of their turn (TurnVersions.vue), shown
 * with that line only when the user goes back to them. In the ThreadView cases the turns and the
 * composer are stand-ins that show the line they are given.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, mountClient, textOf, withClientTemplate } from '../support/demo-client-render'
import { stubThreadViewGlobals } from '../support/thread-view-globals'
import JobTurnSsr from '../../demo/app/components/JobTurn.vue'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'
import { turnVersionComponents } from '../support/demo-turn-versions'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component

/** A stand-in turn: its job id and the out-of-conversation line it is given. */
const JobTurn = vue.defineComponent({
  props: { job: { type: Object, required: true }, outOfConversation: { type: String, default: null } },
  setup: props => () => vue.h('article', { 'data-job-id': (props.job as ThreadJob).id }, props.outOfConversation ?? ''),
})
const Empty = vue.defineComponent({ setup: () => () => null })

function job(id: string, prompt: string, createdAt: number, extra: Partial<ThreadJob> = {}): ThreadJob {
  return { id, type: 'chat', status: 'completed', threadId: 't1', messageId: null, title: prompt, prompt, createdAt, updatedAt: createdAt, endedAt: createdAt, lastSeq: 0, ...extra }
}

let shown: ThreadJob[] = []

beforeEach(() => {
  stubThreadViewGlobals()
  vi.stubGlobal('useThreadTurns', () => {
    const turns = vue.ref(shown)
    return {
      jobs: turns,
      refresh: async () => {},
      listStatus: vue.ref('success'),
      listError: vue.ref(null),
      earlier: vue.ref([]),
      hasEarlier: vue.ref(false),
      loadingEarlier: vue.ref(false),
      earlierFailed: vue.ref(null),
      loadEarlier: async () => 0,
      mounted: vue.ref(true),
      turns,
      addLocalJob: () => {},
      remove: () => {},
    }
  })
})
afterEach(() => {
  vi.unstubAllGlobals()
})

/** Each turn's line, by job id, as the thread shows them (`hidden`: the versions not shown). */
async function linesOf(jobs: ThreadJob[], hidden = false): Promise<Record<string, string>> {
  shown = jobs
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn, ThreadEmptyState: Empty, ChatComposer: Empty, ThreadStatusLine: Empty })
  await vue.nextTick()
  const articles = allNodes(container).filter(node => node.tag === 'article' && (node.style.display === 'none') === hidden)
  const lines = Object.fromEntries(articles.map(node => [String(node.props['data-job-id']), textOf(node)]))
  unmount()
  return lines
}

const EDITED = 'Not part of the conversation any more — edited on the AI SDK page.'
const EARLIER = 'An earlier version — the conversation goes on with the newest one.'

describe('ThreadView: turns the model no longer sees are marked', () => {
  it('leaves out the turns an /ai-sdk edit of an earlier message dropped, and the edited message\'s first answer', async () => {
    // /ai-sdk sent First and Second, then edited First (same message id, a new job).
    const lines = await linesOf([
      job('j1', 'First', 1, { messageId: 'm1' }),
      job('j2', 'Second', 2, { messageId: 'm2' }),
      job('j3', 'First edited', 3, { messageId: 'm1' }),
      job('j4', 'Next', 4, { startedBy: 'jobs' }),
    ])
    // Before the main chat had Edit: { j1: AGAIN, j2: EDITED, j3: '', j4: '' }, shown and marked.
    // An edit's dropped turns leave the view, as in ChatGPT; the edited message's first answer is its earlier version.
    expect(lines).toEqual({ j3: '', j4: '' })
  })

  it('marks an answer a Regenerate or Retry in the main chat replaced (an earlier version, not shown until chosen), and nothing else', async () => {
    const jobs = [
      job('j1', 'First', 1),
      job('j2', 'Second', 2, { status: 'failed' }),
      job('j3', 'Second', 3, { messageId: 'j2', startedBy: 'jobs' }),
      job('w1', 'A workflow', 4, { type: 'workflow' }),
      job('j5', 'Gone', 5, { missing: true }),
    ]
    // Before versions: { j1: '', j2: 'Not part of the conversation any more — answered again below.', j3: '', w1: '', j5: '' }, all shown.
    expect(await linesOf(jobs)).toEqual({ j1: '', j3: '', w1: '', j5: '' })
    expect(await linesOf(jobs, true)).toEqual({ j2: EARLIER })
  })
})

/** JobTurn.vue itself, its job's stream and the children stand-ins: the line, and the turn's muted look. */
describe('JobTurn: the out-of-conversation mark', () => {
  const JobTurnView = withClientTemplate(JobTurnSsr, 'demo/app/components/JobTurn.vue') as Component

  /** `lost`: the server no longer has the job; `olderVersion`: an earlier version of its turn. */
  function mountTurn(outOfConversation: string | null, { lost = false, olderVersion = false } = {}): { article: FakeNode, unmount: () => void } {
    for (const name of ['ref', 'shallowRef', 'computed', 'reactive', 'watch', 'onMounted', 'onBeforeUnmount', 'onUnmounted', 'nextTick'] as const) vi.stubGlobal(name, vue[name])
    vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {}, removeItem: () => {} })
    vi.stubGlobal('useBackgroundJob', () => ({
      status: vue.ref('completed'), text: vue.ref('An answer'), reasoning: vue.ref(''), toolCalls: vue.ref([]), pendingInputs: vue.ref([]),
      isFinished: vue.ref(true), state: vue.ref(null), error: vue.ref(null), connection: vue.ref('closed'), lost: vue.ref(lost),
      refresh: async () => {}, answer: async () => {},
    }))
    vi.stubGlobal('useCopy', () => ({ copied: vue.ref(null), failed: vue.ref(null), copy: () => {} }))
    vi.stubGlobal('useCodeCopy', () => ({ copied: vue.ref(null), failed: vue.ref(null), onCodeClick: () => {} }))
    vi.stubGlobal('useServerReturn', () => ({ waiting: vue.ref(null), start: () => {} }))
    const props = { job: job('j1', 'First', 1), outOfConversation, olderVersion }
    const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(JobTurnView, props) }), { UserMessage: Empty, TurnFooter: Empty, MarkdownBlocks: Empty, MarkdownHtml: Empty, ReasoningBlock: Empty, ToolCallRow: Empty, InputPrompt: Empty, WorkflowProgress: Empty })
    return { article: allNodes(container).find(node => node.tag === 'article')!, unmount }
  }

  it('shows why before the message, and mutes the turn', async () => {
    const { article, unmount } = mountTurn(EDITED)
    await vue.nextTick()
    // First in the turn: a screen reader reads it before the message it is about.
    const first = article.children.find(child => child.tag !== '#comment')!
    expect([first.tag, textOf(first)]).toEqual(['p', EDITED])
    expect(String(article.props.class)).toContain('turn-out-of-conversation')
    unmount()
  })

  it('shows nothing for a turn that is part of the conversation', async () => {
    const { article, unmount } = mountTurn(null)
    await vue.nextTick()
    expect(textOf(article)).not.toContain('Not part of the conversation')
    expect(String(article.props.class)).not.toContain('turn-out-of-conversation')
    unmount()
  })
  it('offers an earlier version found lost Remove only: the newest is the one asked again', async () => {
    const older = mountTurn(EARLIER, { lost: true, olderVersion: true })
    await vue.nextTick()
    // Before: Retry and Remove, as on the newest (a Retry from there made a version of the turn below its own newest).
    expect(buttons(older.article, 'Retry')).toHaveLength(0)
    expect(buttons(older.article, 'Remove')).toHaveLength(1)
    older.unmount()
    const newest = mountTurn(null, { lost: true })
    await vue.nextTick()
    expect(buttons(newest.article, 'Retry')).toHaveLength(1)
    newest.unmount()
  })
})
