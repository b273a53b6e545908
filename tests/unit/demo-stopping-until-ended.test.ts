/**
 * The main chat's Stop flashed: once the abort route answered, "Stopping…" went back to an enabled
 * Stop until the answer's stream brought its `job-end` (the turn still reported it running), then
 * Send. It now stays "Stopping…" (disabled) until the turn has ended — and a stream that does not
 * bring the end does not hold it: after STOP_END_WAIT_MS the job is read into its turn instead, and
 * Stop is given back whatever that read found. A failed abort gives Stop back at once, saying why.
 * ThreadView with stand-in turns and composer (tests/support/thread-stop-view.ts).
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { STOP_END_WAIT_MS } from '../../demo/app/composables/useThreadStop'
import { provideTurnReads } from '../../demo/app/composables/useTurnReads'
import JobTurnSsr from '../../demo/app/components/JobTurn.vue'
import { mountClient, withClientTemplate } from '../support/demo-client-render'
import { stubThreadViewGlobals } from '../support/thread-view-globals'
import { chatJob, mountStopThread, settle } from '../support/thread-stop-view'

let aborted: string[]

beforeEach(() => {
  aborted = []
  vi.useFakeTimers()
  stubThreadViewGlobals()
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

async function abortAnswered(jobId: string) {
  aborted.push(jobId)
  return { id: jobId, status: 'aborted' }
}

describe('main chat: Stop once the abort route answered', () => {
  it('stays "Stopping…" until the turn has ended, never an enabled Stop in between', async () => {
    const { composer, reporters, unmount } = mountStopThread([chatJob('j1', 'running')], abortAnswered)
    await settle()
    expect(composer.canStop).toBe(true)
    composer.stop()
    await settle()
    expect(aborted).toEqual(['j1'])
    // The route answered; the stream's job-end has not come yet: the turn still says running.
    expect(composer.canStop).toBe(true)
    expect(composer.stopping).toBe(true)
    reporters.get('j1')!('aborted')
    await settle()
    expect(composer.canStop).toBe(false)
    expect(composer.stopping).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
    unmount()
  })

  it('reads the job when its stream does not bring the end within STOP_END_WAIT_MS, then gives Stop back', async () => {
    const { composer, reads, unmount } = mountStopThread([chatJob('j1', 'running')], abortAnswered, () => 'aborted')
    await settle()
    composer.stop()
    await settle()
    await vi.advanceTimersByTimeAsync(STOP_END_WAIT_MS - 1)
    expect(reads).toEqual([])
    expect(composer.stopping).toBe(true)
    await vi.advanceTimersByTimeAsync(1)
    await settle()
    expect(reads).toEqual(['j1'])
    expect(composer.stopping).toBe(false)
    expect(composer.canStop).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
    unmount()
  })

  it('gives Stop back after the bound even when the read finds the job still going', async () => {
    const { composer, reads, unmount } = mountStopThread([chatJob('j1', 'running')], abortAnswered)
    await settle()
    composer.stop()
    await settle()
    await vi.advanceTimersByTimeAsync(STOP_END_WAIT_MS)
    await settle()
    expect(reads).toEqual(['j1'])
    expect(composer.stopping).toBe(false)
    expect(composer.canStop).toBe(true)
    unmount()
  })

  it('gives Stop back after the bound when the read fails too, with no word of a failed stop', async () => {
    const { composer, reads, unmount } = mountStopThread([chatJob('j1', 'running')], abortAnswered, () => {
      throw new Error('unreachable')
    })
    await settle()
    composer.stop()
    await settle()
    await vi.advanceTimersByTimeAsync(STOP_END_WAIT_MS)
    await settle()
    expect(reads).toEqual(['j1'])
    expect(composer.stopping).toBe(false)
    expect(composer.error).toBeNull()
    unmount()
  })

  it('gives Stop back at once when the abort failed, saying why', async () => {
    const { composer, unmount } = mountStopThread([chatJob('j1', 'running')], async () => {
      throw Object.assign(new Error('503'), { statusCode: 503 })
    })
    await settle()
    composer.stop()
    await settle()
    expect(composer.stopping).toBe(false)
    expect(composer.canStop).toBe(true)
    expect(composer.error).toContain('the answer wasn’t stopped')
    expect(vi.getTimerCount()).toBe(0)
    unmount()
  })

  it('leaves no timer when the thread closes while it waits', async () => {
    const { composer, unmount } = mountStopThread([chatJob('j1', 'running')], abortAnswered)
    await settle()
    composer.stop()
    await settle()
    expect(vi.getTimerCount()).toBe(1)
    unmount()
    expect(vi.getTimerCount()).toBe(0)
  })
})

describe('JobTurn: the read the thread\'s Stop falls back to', () => {
  it('is its job\'s refresh while it is mounted, and nothing once it is gone', async () => {
    for (const name of ['ref', 'shallowRef', 'computed', 'reactive', 'watch', 'onMounted', 'onBeforeUnmount', 'onUnmounted', 'nextTick'] as const) vi.stubGlobal(name, vue[name])
    vi.stubGlobal('localStorage', { getItem: () => null, setItem: () => {}, removeItem: () => {} })
    const refreshed: string[] = []
    vi.stubGlobal('useBackgroundJob', (id: string) => ({
      status: vue.ref('running'), text: vue.ref(''), reasoning: vue.ref(''), toolCalls: vue.ref([]), pendingInputs: vue.ref([]),
      isFinished: vue.ref(false), state: vue.ref(null), error: vue.ref(null), connection: vue.ref('open'), lost: vue.ref(false),
      refresh: async () => void refreshed.push(id), answer: async () => {},
    }))
    vi.stubGlobal('useCopy', () => ({ copied: vue.ref(null), failed: vue.ref(null), copy: () => {} }))
    vi.stubGlobal('useCodeCopy', () => ({ copied: vue.ref(null), failed: vue.ref(null), onCodeClick: () => {} }))
    vi.stubGlobal('useServerReturn', () => ({ waiting: vue.ref(null), start: () => {} }))
    const JobTurn = withClientTemplate(JobTurnSsr, 'demo/app/components/JobTurn.vue') as Component
    const Empty = vue.defineComponent({ setup: () => () => null })
    const shown = vue.ref(true)
    let read: (jobId: string) => Promise<void> = async () => {}
    const { unmount } = mountClient(vue.defineComponent({
      setup() {
        read = provideTurnReads()
        return () => (shown.value ? vue.h(JobTurn, { job: chatJob('j1', 'running') }) : null)
      },
    }), { UserMessage: Empty, TurnFooter: Empty, MarkdownBlocks: Empty, MarkdownHtml: Empty, ReasoningBlock: Empty, ToolCallRow: Empty, InputPrompt: Empty, WorkflowProgress: Empty, FailureNote: Empty, TypingIndicator: Empty })
    await read('j1')
    expect(refreshed).toEqual(['j1'])
    shown.value = false
    await vue.nextTick()
    await read('j1')
    expect(refreshed).toEqual(['j1'])
    unmount()
  })
})
