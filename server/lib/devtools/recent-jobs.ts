/**
 * The jobs created lately in this dev server, so the DevTools tab still lists a job once it has
 * finished (the engine only holds running ones). Bounded; dev only (fed by recent-jobs-plugin.ts).
 */

/** How many job ids are remembered. */
export const RECENT_JOBS_LIMIT = 50

const recent: string[] = []

/** Remembers a job id (newest first). */
export function rememberJob(jobId: string): void {
  if (recent.includes(jobId)) return
  recent.unshift(jobId)
  recent.length = Math.min(recent.length, RECENT_JOBS_LIMIT)
}

/** The remembered ids, newest first. */
export function recentJobIds(): readonly string[] {
  return recent
}
