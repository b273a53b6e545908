/**
 * Who is asking. An app supplies its own user id through the `background-jobs:resolve-user`
 * Nitro hook; without one, each client gets an anonymous id in a signed httpOnly cookie.
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

/** The anonymous user cookie. */
export const USER_COOKIE = 'bgjobs_uid'
/** One year. */
const COOKIE_MAX_AGE_SECONDS = 31_536_000
/** Used when no `cookieSecret` is configured: anonymous ids then last as long as the process. */
const PROCESS_SECRET = randomBytes(32).toString('hex')

function sign(value: string, secret: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url')
}

/** Reads the signed id from a cookie header, or null when absent or forged. */
export function readSignedUserId(cookieHeader: string | undefined, secret: string): string | null {
  if (!cookieHeader) return null
  for (const part of cookieHeader.split(';')) {
    const [name, ...rest] = part.trim().split('=')
    if (name !== USER_COOKIE) continue
    const value = decodeURIComponent(rest.join('='))
    const dot = value.lastIndexOf('.')
    if (dot <= 0) return null
    const id = value.slice(0, dot)
    const expected = Buffer.from(sign(id, secret))
    const given = Buffer.from(value.slice(dot + 1))
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null
    return id
  }
  return null
}

/** Returns the anonymous user id of this client, setting a new signed cookie when it has none. */
export function anonymousUserId(request: IncomingMessage, response: ServerResponse, configuredSecret: string): string {
  const secret = configuredSecret || PROCESS_SECRET
  const existing = readSignedUserId(request.headers.cookie, secret)
  if (existing) return existing
  const id = `anon_${randomUUID()}`
  const secure = (request.headers['x-forwarded-proto'] ?? '') === 'https' || Boolean((request.socket as { encrypted?: boolean }).encrypted)
  const cookie = `${USER_COOKIE}=${encodeURIComponent(`${id}.${sign(id, secret)}`)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${COOKIE_MAX_AGE_SECONDS}${secure ? '; Secure' : ''}`
  const previous = response.getHeader('set-cookie')
  response.setHeader('set-cookie', previous ? [...(Array.isArray(previous) ? previous : [String(previous)]), cookie] : cookie)
  // Later handlers in this request (and our own next call) see the same id.
  request.headers.cookie = `${request.headers.cookie ? `${request.headers.cookie}; ` : ''}${USER_COOKIE}=${encodeURIComponent(`${id}.${sign(id, secret)}`)}`
  return id
}
