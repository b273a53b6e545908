/**
 * What the DevTools routes answer, without HTTP: the job list, one job's timeline and state, and
 * abort (which acts for the job's owner). `handler.ts` wires them to h3.
 */
import type { BackgroundJobsEngine } from '../engine'
import { JobNotFoundError } from '../errors'
import { RequestError } from '../http/request'

/** A DevTools request after the guard: method and the path below `/api`. */
export interface DevtoolsCall {
  method: string
  /** e.g. `/jobs`, `/jobs/<id>`, `/jobs/<id>/abort` */
  path: string
  recentIds: readonly string[]
}

/** The job id of a path segment; a segment that is not valid percent-encoding is the caller's mistake (400). */
function decodeJobId(segment: string): string {
  try {
    return decodeURIComponent(segment)
  }
  catch {
    throw new RequestError(400, `job id: ${JSON.stringify(segment)} is not valid percent-encoding`)
  }
}

/** Answers a call; throws `JobNotFoundError` for an unknown job, null for an unknown route. */
export async function answerDevtoolsCall(engine: BackgroundJobsEngine, call: DevtoolsCall): Promise<unknown> {
  const match = /^\/jobs(?:\/([^/]+)(\/abort)?)?\/?$/.exec(call.path)
  if (!match) return null
  const [, jobId, abort] = match
  if (!jobId) return call.method === 'GET' ? { instanceId: engine.instanceId, jobs: await engine.inspector.list(call.recentIds) } : null
  // An unknown route (another method) stays null, whatever its id.
  if (call.method !== (abort ? 'POST' : 'GET')) return null
  const id = decodeJobId(jobId)
  if (abort) {
    const owner = await engine.inspector.ownerOf(id)
    if (!owner) throw new JobNotFoundError(id)
    return { job: await engine.abortJob(owner, id) }
  }
  const inspection = await engine.inspector.get(id)
  if (!inspection) throw new JobNotFoundError(id)
  return inspection
}
