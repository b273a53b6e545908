/** The demo's ThreadList as the client renders it (tests/support/demo-client-render.ts), and what its tests feed it. */
import * as vue from 'vue'
import { withClientTemplate } from './demo-client-render'
import { BackgroundJobsApiError } from '../../app/lib/api-error'
import ThreadListSsr from '../../demo/app/components/ThreadList.vue'
import ThreadRowSsr from '../../demo/app/components/ThreadRow.vue'

/** ThreadList with its rows (ThreadRow.vue), both as the browser renders them. */
export const ThreadList = withClientTemplate(ThreadListSsr, 'demo/app/components/ThreadList.vue', {
  ThreadRow: withClientTemplate(ThreadRowSsr, 'demo/app/components/ThreadRow.vue'),
})

/** A link that renders its text (no router). */
export const NuxtLink = vue.defineComponent({
  props: { to: { type: String, required: true } },
  setup: (_props, { slots }) => () => vue.h('a', {}, slots.default?.()),
})

/** What `useBackgroundJobs()` rejects with when the request got no answer (the server is down). */
export function unreachable(method: string, path: string): BackgroundJobsApiError {
  return new BackgroundJobsApiError(new TypeError(`[${method}] "${path}": <no response> Failed to fetch`))
}
