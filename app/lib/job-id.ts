/**
 * The job id a client call is given, checked before it becomes a URL: `useBackgroundJob(undefined)`
 * (a route param or prop not there yet) would otherwise follow `/api/jobs/undefined`, get a 404 and
 * report the job as lost — "This job no longer exists" — instead of naming the mistake.
 */

/** Throws a `TypeError` naming `caller` unless `id` is a non-empty string. */
export function assertJobId(id: unknown, caller: string): asserts id is string {
  if (typeof id === 'string' && id.trim() !== '') return
  const got = typeof id === 'string' ? 'an empty string' : id === null ? 'null' : typeof id === 'object' ? 'an object' : String(id)
  throw new TypeError(`${caller}: the job id must be a non-empty string (the \`id\` from start() or list()); got ${got}`)
}
