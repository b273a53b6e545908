/**
 * Requests answered as a new anonymous user: they carried no user cookie this server can read
 * (none, or one sealed with another `cookieSecret`), so user.ts made a new id. A job's 404 for such
 * a request says so: a developer trying the routes with curl followed a job's `streamUrl` without
 * sending back the cookie its start set, and read only `Job … not found` for the job just started.
 * The words are about the request, never the job: the same whether the job exists.
 */
import type { H3Event } from 'h3'

const newUsers = new WeakSet<H3Event>()

/** Marks `event` as answered for an anonymous user made for it. */
export function markNewAnonymousUser(event: H3Event): void {
  newUsers.add(event)
}

/** Whether `event` is answered for an anonymous user made for it. */
export function isNewAnonymousUser(event: H3Event): boolean {
  return newUsers.has(event)
}

/** What a job's 404 adds for such a request. */
export const NEW_ANONYMOUS_USER_HINT = '. This request came without a user cookie this server can read (none, or one sealed with another cookieSecret), so it was answered as a new anonymous user, who has no jobs: send the cookie the request that started the job got back (curl: -c cookies.txt, then -b cookies.txt)'
