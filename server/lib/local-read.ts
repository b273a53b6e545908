/**
 * Reads served by the owner from its own memory. A job this instance runs — live or ending, not
 * stopped, not handed over, its lease surely held — is at least as fresh here as in the store
 * (writes are batched behind its live log, and no other instance can own it meanwhile), and its
 * record and owner user are in memory. So reading it (`GET /api/jobs/:id`) or opening a viewer on
 * it needs no store call at all: it works while the store is down (a Redis restart, failover or
 * network cut), and answers the same as through the store while it is up.
 *
 * A run that is ending (its `job-end` numbered, waiting for the store) is served too, as it was a
 * moment before: a read answers its last active status (the end is told to nobody before it is
 * stored, live-job.ts), a new viewer gets the catch-up without the end and then the end once it is
 * stored, like a viewer attached before. If the run is stopped instead (lease lost, end refused,
 * shutdown), its viewers are closed and reconnect to whoever owns the job then.
 *
 * Anything else — a job run elsewhere, another user's job (answered as a missing one is), a run
 * whose end is stored and reported (the store says the same), or a run whose lease this instance can no longer vouch for (another instance may have
 * taken it over) — is read from the store as before (503 while down).
 */
import type { JobRun } from './job-run'

/**
 * The run of `jobId` when this instance can answer a read of it on its own, else null. Another
 * user's run is null too: the caller asks the store, exactly as for a job that does not exist, so
 * the two get the same answer by the same path (a 404, or a 503 while the store is down) — a
 * refusal from memory would tell, by its status during an outage or by its missing round trip,
 * that the id names a job running here.
 */
export function localRunFor(runs: ReadonlyMap<string, JobRun>, userId: string, jobId: string): JobRun | null {
  const run = runs.get(jobId)
  if (!run || run.record.userId !== userId) return null
  return run.abandoned || run.live.ended || !run.leaseHolds() ? null : run
}

/**
 * The user's runs in thread `threadId` that this instance can answer on its own (as
 * `localRunFor`), newest first. What a chat's resume needs when this instance runs its turn: no
 * store call, so it works while the store is down.
 */
export function localThreadRuns(runs: ReadonlyMap<string, JobRun>, userId: string, threadId: string): JobRun[] {
  const found: JobRun[] = []
  for (const run of runs.values()) {
    if (run.record.userId !== userId || run.record.threadId !== threadId) continue
    if (localRunFor(runs, userId, run.record.id)) found.push(run)
  }
  return found.sort((left, right) => right.record.createdAt - left.record.createdAt)
}
