/**
 * The anonymous user: when the app's `background-jobs:resolve-user` hook names no user (and
 * `allowAnonymous` is on), each client gets a random id kept in a sealed, httpOnly cookie — h3's
 * session utilities (iron-sealed: encrypted and signed with `cookieSecret`). A cookie that does not
 * unseal (forged, from another secret, malformed, expired) is treated as no cookie: a new id.
 * A cookie that unsealed is remembered (session-cache.ts): the next requests with the same cookie
 * value skip the unseal until the session expires. While `cookieSecret` is rotated, a cookie
 * sealed with `cookieSecretPrevious` is still its user and is sealed again with the new secret
 * (same id, same creation time), so visitors back during the rotation keep their chats.
 *
 * Over https the cookie is `__Host-bgjobs_uid`. The browser only takes a cookie of that name from
 * this very host (Secure, `Path=/`, no `Domain`), so a page on a sibling subdomain cannot plant
 * its own anonymous user in the visitor's browser (`Domain=.example.com`, a longer `Path` to be
 * sent first): the visitor's chats would then be the planter's, readable by it. A plain
 * `bgjobs_uid` is not read over https. Nor is a cookie whose name only trims to the cookie's
 * (`exactCookie`): a browser checks the prefix on the name as it was set, so a name that starts
 * with a byte JavaScript's `trim` drops (NBSP, 0xA0) carries no prefix's rules and may be planted
 * domain-wide — h3's cookie parser trimmed it into `__Host-bgjobs_uid`.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import type { H3Event } from 'h3'
import type { SessionConfig } from 'h3'
import { getRequestHeader, unsealSession, updateSession } from 'h3'
import { isHttpsRequest } from '../../../shared/forwarded-https'
import { createSessionCache } from './session-cache'
import { markNewAnonymousUser } from './new-anonymous-user'

/**
 * The start of every anonymous user's id (`anon_<session id>`).
 */
export const ANONYMOUS_USER_PREFIX = 'anon_'
/**
 * The shape of every anonymous user's id: the prefix and the session id h3's `useSession` makes
 * (`crypto.randomUUID()`: lowercase hex, 8-4-4-4-12). No id an app's resolve-user hook names may
 * have it (resolve-user.ts): the two kinds of users never share an id. Other ids with the prefix
 * (`anon_123`, `anon_alice`) can never be an anonymous user's, and are the app's users.
 */
export const ANONYMOUS_USER_ID = new RegExp(`^${ANONYMOUS_USER_PREFIX}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
/** The anonymous user cookie over http. */
export const USER_COOKIE = 'bgjobs_uid'
/** The anonymous user cookie over https (the `__Host-` prefix: set by this host only). */
export const SECURE_USER_COOKIE = `__Host-${USER_COOKIE}`
/** One year. */
const COOKIE_MAX_AGE_SECONDS = 31_536_000
/**
 * Used when no `cookieSecret` is configured (the memory provider only — a shared provider
 * requires one, see config-validate.ts): anonymous ids then last as long as the process.
 */
const PROCESS_SECRET = randomBytes(32).toString('hex')

const sessions = createSessionCache()

/** The whitespace the cookie syntax allows around a pair (RFC 6265 §5.2: SP and HTAB), and no other. */
const COOKIE_PAIR_SPACE = /^[ \t]+|[ \t]+$/g

/**
 * The value of the first cookie named exactly `name` in the request's `Cookie` header, or
 * undefined. Not h3's `getCookie`, whose parser trims names with `String.prototype.trim` (NBSP,
 * U+FEFF and more): `\u00A0__Host-bgjobs_uid` would be read as `__Host-bgjobs_uid`.
 */
export function exactCookie(event: H3Event, name: string): string | undefined {
  const header = getRequestHeader(event, 'cookie')
  if (!header) return undefined
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=')
    if (equals === -1 || pair.slice(0, equals).replace(COOKIE_PAIR_SPACE, '') !== name) continue
    const value = pair.slice(equals + 1).replace(COOKIE_PAIR_SPACE, '')
    try {
      return value.includes('%') ? decodeURIComponent(value) : value
    }
    catch {
      return value
    }
  }
  return undefined
}

/** The session in a cookie, when it unseals with `config`'s password and holds an id; else null. */
async function unsealedSession(event: H3Event, config: SessionConfig, sealed: string): Promise<{ id: string, createdAt: number } | null> {
  // The same checks as useSession's (seal, signature, ttl, max age).
  const unsealed = await unsealSession(event, config, sealed).catch(() => null)
  return unsealed && typeof unsealed.id === 'string' && unsealed.id !== '' && typeof unsealed.createdAt === 'number'
    ? { id: unsealed.id, createdAt: unsealed.createdAt }
    : null
}

/**
 * Returns the anonymous user id of this client, setting a new sealed cookie when it has none.
 * `previousSecret`: the secret before a rotation (`cookieSecretPrevious`), or ''.
 */
export async function anonymousUserId(event: H3Event, configuredSecret: string, previousSecret = ''): Promise<string> {
  const password = configuredSecret || PROCESS_SECRET
  const secure = isHttpsRequest(event)
  const name = secure ? SECURE_USER_COOKIE : USER_COOKIE
  const config: SessionConfig = {
    name,
    password,
    maxAge: COOKIE_MAX_AGE_SECONDS,
    // The cookie only: no session header another origin's script could set.
    sessionHeader: false,
    cookie: { path: '/', httpOnly: true, sameSite: 'lax', secure },
  }
  const sealed = exactCookie(event, name)
  if (sealed) {
    const cached = sessions.get(sealed, password)
    if (cached !== undefined) return `${ANONYMOUS_USER_PREFIX}${cached}`
    // A refusal falls through to a new id.
    const unsealed = await unsealedSession(event, config, sealed)
    if (unsealed) {
      sessions.set(sealed, password, unsealed.id, unsealed.createdAt + COOKIE_MAX_AGE_SECONDS * 1000)
      return `${ANONYMOUS_USER_PREFIX}${unsealed.id}`
    }
    // Sealed before a rotation: the same user, sealed again with the current secret (the session
    // keeps its creation time, so its end is not pushed back). Not cached: the next request sends the new cookie.
    const previous = previousSecret && previousSecret !== password ? await unsealedSession(event, { ...config, password: previousSecret }, sealed) : null
    if (previous) {
      event.context.sessions ??= Object.create(null)
      event.context.sessions![name] = { ...previous, data: Object.create(null) }
      await updateSession(event, config)
      return `${ANONYMOUS_USER_PREFIX}${previous.id}`
    }
  }
  // A new session, set here: h3's useSession would read the cookie again with its own parser.
  const id = randomUUID()
  markNewAnonymousUser(event)
  event.context.sessions ??= Object.create(null)
  event.context.sessions![name] = { id, createdAt: Date.now(), data: Object.create(null) }
  await updateSession(event, config)
  return `${ANONYMOUS_USER_PREFIX}${id}`
}
