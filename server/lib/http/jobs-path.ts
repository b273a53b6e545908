/**
 * Whether a request's path is the layer's: `/api/jobs`, with its query or a path under it. A path
 * that only begins with the same letters (an app's own `/api/jobsearch`) is the app's. The one
 * check of the layer's middleware (request id, CORS, 405s), so that they agree on what is theirs.
 */
const JOBS_PATH = /^\/api\/jobs(?:[/?]|$)/

export function isJobsPath(path: string): boolean {
  return JOBS_PATH.test(path)
}
