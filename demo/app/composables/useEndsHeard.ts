/**
 * Jobs whose end this tab has heard — from the open thread's own stream (its turn's end event) or
 * from the job-end notification, whichever comes first — shared by the thread view and the
 * sidebar: a thread's "live" badge goes with the end, before the list is read again
 * (lib/sidebar-threads.ts: withEndsHeard). The sidebar keeps only its threads' newest jobs.
 */
import { endsStillNeeded } from '../lib/sidebar-threads'
import type { ThreadSummary } from '../../../app/lib/api-types'

/** The ends heard, and how to add one or keep those the list still needs. */
export function useEndsHeard() {
  const ended = useState<string[]>('demo:ends-heard', () => [])

  function heard(jobId: string): void {
    if (!ended.value.includes(jobId)) ended.value = [...ended.value, jobId]
  }

  /** Keeps the ends of `threads`' newest jobs only (a job that ended never runs again). */
  function keepFor(threads: readonly ThreadSummary[]): void {
    if (ended.value.length) ended.value = endsStillNeeded(threads, ended.value)
  }

  return { ended, heard, keepFor }
}
