/**
 * A turn whose job its server ended on the way out (a graceful shutdown: `failed`, code
 * `shutdown`) waits for that server to answer again before it says what happened
 * (lib/server-return.ts): meanwhile the server is down, and "the server restarted" would be
 * premature. `waiting` is the wait's state (`reconnecting`, then `offline`), null when not waiting.
 */
import { readonly } from 'vue'
import { apiErrorStatus } from '../../../app/lib/api-error'
import { PROBE_TIMEOUT_MS } from '../../../app/lib/job-probe'
import type { ServerReturnHandle, ServerReturnState } from '../lib/server-return'
import { waitForServerReturn } from '../lib/server-return'

/** What a proxy answers for a server that is down: not the server's own answer. */
const GATEWAY_STATUSES = [502, 503, 504]

/** Waits for the server of job `jobId`; `onBack` (e.g. the job's `refresh`) runs once it answers, before `waiting` clears. */
export function useServerReturn(jobId: string, onBack: () => Promise<void>) {
  const waiting = ref<ServerReturnState | null>(null)
  const jobUrl = `/api/jobs/${encodeURIComponent(jobId)}`
  let handle: ServerReturnHandle | null = null

  /** Asks the job's URL: any answer of the server's own (a 404 included) means it is back. */
  async function check(): Promise<void> {
    try {
      await $fetch(jobUrl, { retry: 0, timeout: PROBE_TIMEOUT_MS })
    }
    catch (failure) {
      const status = apiErrorStatus(failure)
      if (status === undefined || GATEWAY_STATUSES.includes(status)) throw failure
    }
  }

  /** Starts waiting (once at a time; only in the browser). */
  function start(): void {
    if (import.meta.server || handle) return
    handle = waitForServerReturn({
      check,
      onStateChange: (state) => {
        waiting.value = state
      },
      onBack: () => {
        handle = null
        void onBack().finally(() => {
          waiting.value = null
        })
      },
    })
  }

  onBeforeUnmount(() => {
    handle?.close()
    handle = null
  })

  return { waiting: readonly(waiting), start }
}
