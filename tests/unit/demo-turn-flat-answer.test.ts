/**
 * The main chat's answers sit flat on the page, as in ChatGPT and Claude (main.css). A card's
 * "writing…" badge is gone: the blinking cursor shows an answer being written, and a screen reader
 * still hears "writing…" where the badge was (visually hidden, right after the answer's heading).
 * An answer that failed, was stopped or waits for someone keeps its chip, and the answer gets a
 * coloured rule beside it (`data-tone`), so the state shows without the card; one cut off by the
 * length limit or a content filter gets a stopped answer's rule (its note says why). Before its
 * first word (queued, running with no text yet) pulsing dots hold its place, no chip. JobTurn.vue with its
 * template compiled for the browser, its job's state stubbed, its children stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { JobStatus } from '../../shared/events'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, mountClient, textOf, withClientTemplate } from '../support/demo-client-render'
import JobTurnSsr from '../../demo/app/components/JobTurn.vue'

const JobTurn = withClientTemplate(JobTurnSsr, 'demo/app/components/JobTurn.vue') as Component
const Empty = vue.defineComponent({ setup: () => () => null })

/** What the turn's job looks like: its status, an error, a question waiting, its connection, its text so far, its last round's finish. */
interface Seen {
  status: JobStatus
  error?: { code: string, message: string }
  waitingInput?: boolean
  connection?: string
  text?: string
  finishReason?: string
}

afterEach(() => {
  vi.unstubAllGlobals()
})

/** The turn's answer as rendered: its `data-tone`, its visible chip, the words only a screen reader gets, and whether the typing dots show. */
async function renderedAnswer(seen: Seen): Promise<{ tone: unknown, chip: string | null, hidden: string[], typing: boolean }> {
  for (const name of ['ref', 'shallowRef', 'computed', 'reactive', 'watch', 'onMounted', 'onBeforeUnmount', 'onUnmounted', 'nextTick'] as const) vi.stubGlobal(name, vue[name])
  vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {}, removeItem: () => {} })
  const finished = ['completed', 'failed', 'aborted'].includes(seen.status)
  const text = seen.text ?? 'Once upon a'
  const steps = seen.finishReason ? [{ step: 1, finishReason: seen.finishReason }] : []
  const state = { id: 'j1', type: 'chat', status: seen.status, seq: 3, content: text, error: seen.error ?? null, metrics: null, steps }
  vi.stubGlobal('useBackgroundJob', () => ({
    status: vue.ref(seen.status), text: vue.ref(text), reasoning: vue.ref(''), toolCalls: vue.ref([]),
    pendingInputs: vue.ref(seen.waitingInput ? [{ requestId: 'r1', kind: 'tool-approval', prompt: 'Delete notes.txt?' }] : []),
    isFinished: vue.ref(finished), state: vue.ref(state), error: vue.ref(null), connection: vue.ref(seen.connection ?? (finished ? 'closed' : 'open')), lost: vue.ref(false),
    refresh: async () => {}, answer: async () => {},
  }))
  vi.stubGlobal('useCopy', () => ({ copied: vue.ref(null), failed: vue.ref(null), copy: () => {} }))
  vi.stubGlobal('useCodeCopy', () => ({ copied: vue.ref(null), failed: vue.ref(null), onCodeClick: () => {} }))
  vi.stubGlobal('useServerReturn', () => ({ waiting: vue.ref(null), start: () => {} }))
  const job: ThreadJob = { id: 'j1', type: 'chat', status: seen.status, threadId: 't1', messageId: null, title: 'A story', prompt: 'A story', createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 3 }
  const TypingIndicator = vue.defineComponent({ setup: () => () => vue.h('p', { class: 'typing-indicator' }) })
  const stand = { UserMessage: Empty, TurnFooter: Empty, MarkdownBlocks: Empty, MarkdownHtml: Empty, ReasoningBlock: Empty, ToolCallRow: Empty, InputPrompt: Empty, WorkflowProgress: Empty, FailureNote: Empty, TypingIndicator }
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(JobTurn, { job }) }), stand)
  await vue.nextTick()
  const answer = allNodes(container).find(node => String(node.props.class).includes('bubble-assistant'))!
  const hasClass = (node: FakeNode, name: string) => String(node.props.class ?? '').split(/\s+/).includes(name)
  const chip = allNodes(answer).find(node => hasClass(node, 'status-chip'))
  const hidden = allNodes(answer).filter(node => hasClass(node, 'visually-hidden')).map(textOf)
  const typing = allNodes(answer).some(node => hasClass(node, 'typing-indicator'))
  unmount()
  return { tone: answer.props['data-tone'], chip: chip ? textOf(chip) : null, hidden, typing }
}

/** The answer's rule, chip and screen-reader words (renderedAnswer without the dots). */
async function answerOf(seen: Seen): Promise<{ tone: unknown, chip: string | null, hidden: string[] }> {
  const { typing: _typing, ...answer } = await renderedAnswer(seen)
  return answer
}

describe('JobTurn: an answer flat on the page', () => {
  it('shows no badge while it writes (the cursor does), and says "writing…" to a screen reader after its heading', async () => {
    // Before: { tone: undefined, chip: 'writing…', hidden: ['The assistant said:'] }.
    expect(await answerOf({ status: 'running' })).toEqual({ tone: undefined, chip: null, hidden: ['The assistant said:', 'writing…'] })
  })

  it('marks a stopped answer (muted), a failed one (danger) and one waiting for an answer (warning), each with its chip', async () => {
    expect(await answerOf({ status: 'aborted' })).toEqual({ tone: 'muted', chip: 'stopped', hidden: ['The assistant said:'] })
    expect(await answerOf({ status: 'failed', error: { code: 'upstream-stream', message: 'The stream broke' } })).toEqual({ tone: 'danger', chip: 'failed', hidden: ['The assistant said:'] })
    expect(await answerOf({ status: 'waiting', waitingInput: true })).toEqual({ tone: 'warning', chip: 'waiting for you', hidden: ['The assistant said:'] })
  })

  it('keeps the chip of an answer cut off from its server while it writes, with a warning rule', async () => {
    expect(await answerOf({ status: 'running', connection: 'reconnecting' })).toEqual({ tone: 'warning', chip: 'reconnecting…', hidden: ['The assistant said:'] })
  })

  it('marks nothing on an answer that ended well', async () => {
    expect(await answerOf({ status: 'completed' })).toEqual({ tone: undefined, chip: null, hidden: ['The assistant said:'] })
  })

  it('shows the typing dots, no chip, until the first word: queued, or running with no text yet (a screen reader hears its state)', async () => {
    // Before: a "queued" chip, and a running answer with no text only its cursor: { tone: undefined, chip: 'queued', hidden: ['The assistant said:'], typing: false }.
    expect(await renderedAnswer({ status: 'queued', text: '' })).toEqual({ tone: undefined, chip: null, hidden: ['The assistant said:', 'queued'], typing: true })
    expect(await renderedAnswer({ status: 'running', text: '' })).toEqual({ tone: undefined, chip: null, hidden: ['The assistant said:', 'writing…'], typing: true })
    // Its first word takes their place (the cursor says it is being written).
    expect(await renderedAnswer({ status: 'running', text: 'Once' })).toEqual({ tone: undefined, chip: null, hidden: ['The assistant said:', 'writing…'], typing: false })
    // Not while the server is away: nothing can arrive, the chip says why.
    expect(await renderedAnswer({ status: 'running', text: '', connection: 'reconnecting' })).toMatchObject({ chip: 'reconnecting…', typing: false })
  })

  it('gives an answer cut off by the length limit or a content filter the rule a stopped answer gets', async () => {
    // Before: { tone: undefined, … } — the note under it, no rule beside it.
    expect(await answerOf({ status: 'completed', finishReason: 'length' })).toEqual({ tone: 'muted', chip: null, hidden: ['The assistant said:'] })
    expect(await answerOf({ status: 'completed', finishReason: 'content_filter' })).toEqual({ tone: 'muted', chip: null, hidden: ['The assistant said:'] })
    expect(await answerOf({ status: 'completed', finishReason: 'stop' })).toEqual({ tone: undefined, chip: null, hidden: ['The assistant said:'] })
  })
})
