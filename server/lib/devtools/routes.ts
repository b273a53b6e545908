/**
 * What the DevTools routes answer, without HTTP: the job list, one job's timeline and state, and
 * abort (which acts for the job's owner). `handler.ts` wires them to h3.
 */
import type { BackgroundJobsEngine } from '../engine'
import { JobNotFoundError } from '../errors'

/** A DevTools request after the guard: method and the path below `/api`. */
export interface DevtoolsCall {
  method: string
  /** e.g. `/jobs`, `/jobs/<id>`, `/jobs/<id>/abort` */
  path: string
  recentIds: readonly string[]
}

/** Answers a call; throws `JobNotFoundError` for an unknown job, null for an unknown route. */
export async function answerDevtoolsCall(engine: BackgroundJobsEngine, call: DevtoolsCall): Promise<unknown> {
  const match = /^\/jobs(?:\/([^/]+)(\/abort)?)?\/?$/.exec(call.path)
  if (!match) return null
  const [, jobId, abort] = match
  if (!jobId) return call.method === 'GET' ? { instanceId: engine.instanceId, jobs: await engine.inspector.list(call.recentIds) } : null
  const id = decodeURIComponent(jobId)
  if (abort) {
    if (call.method !== 'POST') return null
    const owner = await engine.inspector.ownerOf(id)
    if (!owner) throw new JobNotFoundError(id)
    return { job: await engine.abortJob(owner, id) }
  }
  if (call.method !== 'GET') return null
  const inspection = await engine.inspector.get(id)
  if (!inspection) throw new JobNotFoundError(id)
  return inspection
}
