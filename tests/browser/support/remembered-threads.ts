/**
 * Threads a browser test puts in the sidebar without starting a job: jobs this browser remembers
 * (demo/app/lib/known-jobs.ts, `localStorage`) that the server does not list — the list merges
 * them in by time, as after a restart of a memory provider. Their times are the test's to choose
 * (the server stamps a real job with its own clock), so the sidebar's date headings can be driven
 * with the page's clock fixed.
 */
import type { BrowserContext } from 'playwright-core'
import type { JobSummary } from '../../../shared/api-types'

/** The `localStorage` key of the jobs the demo remembers (known-jobs.ts). */
const KNOWN_JOBS_KEY = 'background-jobs-demo:known-jobs'

/** One remembered thread: its id, title and when its one (finished) job was made. */
export interface RememberedThread {
  threadId: string
  title: string
  createdAt: number
}

/** A finished chat job of `thread`, as the server's list would have summed it up. */
function jobOf(thread: RememberedThread): JobSummary {
  return {
    id: `job-${thread.threadId}`,
    type: 'chat',
    status: 'completed',
    threadId: thread.threadId,
    messageId: null,
    title: thread.title,
    prompt: thread.title,
    createdAt: thread.createdAt,
    updatedAt: thread.createdAt + 1_000,
    endedAt: thread.createdAt + 1_000,
    lastSeq: 3,
  }
}

/** Makes every page of `context` start with `threads` remembered (before the app's code runs). */
export async function rememberThreads(context: BrowserContext, threads: readonly RememberedThread[]): Promise<void> {
  await context.addInitScript(([key, jobs]) => {
    localStorage.setItem(key, JSON.stringify(jobs))
  }, [KNOWN_JOBS_KEY, threads.map(jobOf)] as const)
}
