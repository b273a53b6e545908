/**
 * ThreadView mounted with stand-ins that let a test drive its Stop: a composer that keeps the
 * props the thread gives it (`sending`, `canStop`, `stopping`, `error`) and presses Stop, and turns
 * that report what the test says (`report`), lend their job's read (`reads`, as JobTurn.vue does)
 * and keep the thread's Edit (`edits`). Call after `stubThreadViewGlobals()`; `useBackgroundJobs`
 * is stubbed here with the test's `abort`.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { vi } from 'vitest'
import { lendTurnRead } from '../../demo/app/composables/useTurnReads'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import type { TurnReport } from '../../demo/app/lib/turn-report'
import ThreadViewSsr from '../../demo/app/components/ThreadView.vue'
import { allNodes, mountClient, withClientTemplate } from './demo-client-render'
import { turnVersionComponents } from './demo-turn-versions'
import { stubThreadTurns } from './thread-view-globals'

const ThreadView = withClientTemplate(ThreadViewSsr, 'demo/app/components/ThreadView.vue') as Component

type Edit = (job: ThreadJob, text: string, signal?: AbortSignal) => Promise<string | null>

/** A turn's report with `status` (active unless ended). */
export function reportOf(status: TurnReport['status']): TurnReport {
  const active = status === 'queued' || status === 'running' || status === 'waiting' || status === 'connecting'
  return { answer: '', status, active, waiting: status === 'waiting', loading: false, connection: active ? 'open' : 'closed' }
}

export function chatJob(id: string, status: ThreadJob['status'], createdAt = 1): ThreadJob {
  return { id, type: 'chat', status, threadId: 't1', messageId: null, title: `Question ${id}`, prompt: `Question ${id}`, createdAt, updatedAt: createdAt, endedAt: null, lastSeq: 0 }
}

/**
 * Mounts the thread over `jobs`. `abort` answers the thread's Stop; `readJob` is what a turn's
 * read of its job finds (its status), null by default (a turn reads nothing).
 */
export function mountStopThread(jobs: ThreadJob[], abort: (jobId: string) => Promise<unknown>, readJob: (jobId: string) => TurnReport['status'] | null = () => null) {
  const turns = vue.ref<ThreadJob[]>(jobs)
  stubThreadTurns(turns)
  vi.stubGlobal('useBackgroundJobs', () => ({ start: vi.fn(), abort, onDeleted: () => {}, listPage: async () => ({ jobs: [], nextCursor: null }) }))
  const composer = vue.shallowReactive({ sending: false, canStop: false, stopping: false, error: null as string | null, stop: () => {} })
  const reporters = new Map<string, (status: TurnReport['status']) => void>()
  const edits = new Map<string, Edit>()
  const reads: string[] = []
  const ChatComposer = vue.defineComponent({
    props: { sending: Boolean, canStop: Boolean, stopping: Boolean, error: { type: String, default: null } },
    emits: ['stop'],
    setup(props, { emit }) {
      composer.stop = () => emit('stop')
      vue.watchEffect(() => Object.assign(composer, { sending: props.sending, canStop: props.canStop, stopping: props.stopping, error: props.error }), { flush: 'sync' })
      return () => null
    },
  })
  const JobTurn = vue.defineComponent({
    props: { job: { type: Object, required: true }, edit: { type: Function, default: undefined } },
    emits: ['update'],
    setup(props, { emit }) {
      const job = props.job as ThreadJob
      const report = (status: TurnReport['status']) => emit('update', reportOf(status))
      reporters.set(job.id, report)
      if (props.edit) edits.set(job.id, props.edit as Edit)
      lendTurnRead(job.id, async () => {
        reads.push(job.id)
        const status = readJob(job.id)
        if (status) report(status)
      })
      report(job.status)
      return () => vue.h('article', { 'data-job-id': job.id })
    },
  })
  const Empty = vue.defineComponent({ setup: () => () => null })
  const { container, unmount } = mountClient(vue.defineComponent({ setup: () => () => vue.h(ThreadView, { threadId: 't1' }) }), { ...turnVersionComponents(), JobTurn, ChatComposer, ThreadEmptyState: Empty, ThreadStatusLine: Empty })
  // Sending scrolls to the newest message: the fake element has no scrolling.
  const noScroll = () => {
    for (const node of allNodes(container)) Object.assign(node, { scrollTo: () => {}, focus: () => {} })
  }
  noScroll()
  return { composer, reporters, edits, reads, turns, noScroll, unmount }
}

/** Lets the promises waiting settle (a fetch answered, an abort's answer). */
export async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) await Promise.resolve()
}
