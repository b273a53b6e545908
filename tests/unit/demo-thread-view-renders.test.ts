/**
 * ThreadView.vue while an answer streams: each piece makes the turn report to the thread (its
 * answer grew), and the thread derived its hold on sending and its status line again — new objects
 * saying the same (`{ kind: 'running', jobId }`). The template reads them, so the whole thread (every
 * turn's vnode, the composer) was rendered again on every piece of the answer. A report that
 * changes nothing the thread shows must not render it again. The turns and the composer are stand-ins.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TurnReport } from '../../demo/app/lib/turn-report'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { mountClient, withClientTemplate } from '../support/demo-client-render'
import { stubThreadViewGlobals } from '../support/thread-view-globals'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'
import { turnVersionComponents } from '../support/demo-turn-versions'

const base = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as { render: (...args: unknown[]) => unknown }
let renders = 0
const countedRender = Object.assign((...args: unknown[]) => {
  renders++
  return base.render(...args)
}, { _rc: true })
const ThreadView = { ...base, render: countedRender } as Component

/** Each stand-in turn's `update` emit, by job id. */
const reporters = new Map<string, (report: TurnReport) => void>()
const JobTurn = vue.defineComponent({
  props: { job: { type: Object, required: true } },
  emits: ['update'],
  setup(props, { emit }) {
    reporters.set((props.job as ThreadJob).id, report => emit('update', report))
    return () => null
  },
})
const Empty = vue.defineComponent({ setup: () => () => null })

function job(id: string, status: ThreadJob['status']): ThreadJob {
  return { id, type: 'chat', status, threadId: 't1', messageId: null, title: `Question ${id}`, prompt: `Question ${id}`, createdAt: 1, updatedAt: 1, endedAt: null, lastSeq: 0 }
}

function report(answer: string, overrides: Partial<TurnReport> = {}): TurnReport {
  return { answer, status: 'running', active: true, waiting: false, loading: false, connection: 'open', ...overrides }
}

beforeEach(() => {
  renders = 0
  reporters.clear()
  stubThreadViewGlobals()
  const turns = vue.ref([job('j1', 'completed'), job('j2', 'completed'), job('j3', 'running')])
  vi.stubGlobal('useThreadTurns', () => ({
    jobs: vue.ref(turns.value),
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
  }))
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('ThreadView while an answer streams', () => {
  it('is not rendered again by reports that only grow the answer', async () => {
    const { unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn, ThreadEmptyState: Empty, ChatComposer: Empty, ThreadStatusLine: Empty })
    await vue.nextTick()
    reporters.get('j1')!(report('One.', { status: 'completed', active: false }))
    reporters.get('j2')!(report('Two.', { status: 'completed', active: false }))
    let answer = 'Three'
    reporters.get('j3')!(report(answer))
    await vue.nextTick()
    const before = renders
    for (let piece = 0; piece < 20; piece++) {
      answer += ` piece ${piece}`
      reporters.get('j3')!(report(answer))
      await vue.nextTick()
    }
    expect(renders - before).toBe(0)
    // What the thread shows does change it: the turn now waits for the user.
    reporters.get('j3')!(report(answer, { status: 'waiting', waiting: true }))
    await vue.nextTick()
    expect(renders - before).toBe(1)
    unmount()
  })
})
