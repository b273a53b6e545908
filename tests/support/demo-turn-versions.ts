/**
 * The components ThreadView renders its turns through (TurnVersions.vue, VersionSwitcher.vue, and
 * PendingTurn.vue for a message being sent, its TypingIndicator.vue a stand-in with its class), with
 * their templates compiled for the client render (demo-client-render.ts): a test that mounts
 * ThreadView with a stand-in `JobTurn` registers these too.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import PendingTurnSsr from '../../demo/app/components/PendingTurn.vue'
import TurnVersionsSsr from '../../demo/app/components/TurnVersions.vue'
import VersionSwitcherSsr from '../../demo/app/components/VersionSwitcher.vue'
import { withClientTemplate } from './demo-client-render'

/** `{ TurnVersions, VersionSwitcher, PendingTurn, TypingIndicator }`, for `mountClient`'s components. */
export function turnVersionComponents(): Record<string, Component> {
  return {
    PendingTurn: withClientTemplate(PendingTurnSsr, 'demo/app/components/PendingTurn.vue') as Component,
    TurnVersions: withClientTemplate(TurnVersionsSsr, 'demo/app/components/TurnVersions.vue') as Component,
    VersionSwitcher: withClientTemplate(VersionSwitcherSsr, 'demo/app/components/VersionSwitcher.vue') as Component,
    // Template only (nothing to run): its root element, as the page has it.
    TypingIndicator: vue.defineComponent({ setup: () => () => vue.h('p', { class: 'typing-indicator' }) }),
  }
}

/**
 * A stand-in JobTurn: an article with its job id that reports its answer finished — lost when the
 * server no longer lists the job (`missing`).
 */
export const FinishedJobTurn = vue.defineComponent({
  props: { job: { type: Object, required: true } },
  emits: ['update'],
  setup(props, { emit }) {
    const job = props.job as ThreadJob
    emit('update', { answer: `Answer ${job.id}`, status: job.missing ? 'lost' : 'completed', active: false, waiting: false, loading: false, connection: 'closed' })
    return () => vue.h('article', { 'data-job-id': job.id })
  },
})
