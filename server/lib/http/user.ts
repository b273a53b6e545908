/**
 * The anonymous user: when the app's `background-jobs:resolve-user` hook names no user (and
 * `allowAnonymous` is on), each client gets a random id kept in a sealed, httpOnly cookie — h3's
 * session utilities (iron-sealed: encrypted and signed with `cookieSecret`). A cookie that does not
 * unseal (forged, from another secret, malformed, expired) is treated as no cookie: a new id.
 */
import { randomBytes } from 'node:crypto'
import type { H3Event } from 'h3'
import { getRequestProtocol, useSession } from 'h3'

/** The anonymous user cookie. */
export const USER_COOKIE = 'bgjobs_uid'
/** One year. */
const COOKIE_MAX_AGE_SECONDS = 31_536_000
/**
 * Used when no `cookieSecret` is configured (the memory provider only — a shared provider
 * requires one, see config-validate.ts): anonymous ids then last as long as the process.
 */
const PROCESS_SECRET = randomBytes(32).toString('hex')

/** Returns the anonymous user id of this client, setting a new sealed cookie when it has none. */
export async function anonymousUserId(event: H3Event, configuredSecret: string): Promise<string> {
  const session = await useSession(event, {
    name: USER_COOKIE,
    password: configuredSecret || PROCESS_SECRET,
    maxAge: COOKIE_MAX_AGE_SECONDS,
    // The cookie only: no session header another origin's script could set.
    sessionHeader: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure: getRequestProtocol(event, { xForwardedProto: true }) === 'https' },
  })
  return `anon_${session.id}`
}
