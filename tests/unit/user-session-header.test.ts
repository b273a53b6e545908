/**
 * The anonymous user is read from its cookie only. h3's sessions also take a sealed session from
 * an `x-<cookie name>-session` header, ahead of the cookie, unless `sessionHeader: false`: a
 * script that can send headers (another origin allowed by CORS, a page that got hold of one sealed
 * value) would then choose whose jobs the request reads, whatever the browser's own cookie says.
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, eventHandler, toNodeListener } from 'h3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { anonymousUserId, SECURE_USER_COOKIE, USER_COOKIE } from '../../server/lib/http/user'

const SECRET = 'a-secret-of-at-least-32-characters!!'

let server: Server
let port = 0

beforeEach(async () => {
  const app = createApp().use(eventHandler(event => anonymousUserId(event, SECRET)))
  server = createServer(toNodeListener(app))
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})

afterEach(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

/** One request; `https` as a TLS-terminating proxy says it (X-Forwarded-Proto). */
async function visit(options: { https: boolean, headers?: Record<string, string> }) {
  const response = await fetch(`http://127.0.0.1:${port}/`, {
    headers: { ...(options.https ? { 'x-forwarded-proto': 'https' } : {}), ...options.headers },
  })
  const setCookie = response.headers.get('set-cookie')
  return { id: await response.text(), pair: setCookie?.split(';')[0] ?? null }
}

describe('a sealed session sent in a header instead of the cookie', () => {
  it.each([
    ['http', false, USER_COOKIE],
    ['https', true, SECURE_USER_COOKIE],
  ])('over %s is not read: the request is a new user', async (_scheme, https, name) => {
    const other = await visit({ https })
    const sealed = other.pair!.slice(`${name}=`.length)
    expect(sealed).toMatch(/^Fe26\.2\*\*/)
    const header = { [`x-${name.toLowerCase()}-session`]: sealed }
    // No cookie at all: still not the other user.
    expect((await visit({ https, headers: header })).id).not.toBe(other.id)
    // With the visitor's own cookie: the visitor.
    const own = await visit({ https })
    expect((await visit({ https, headers: { ...header, cookie: own.pair! } })).id).toBe(own.id)
  })
})
