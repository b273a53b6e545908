/**
 * The anonymous user cookie is unsealed once per cookie value: later requests with the same value
 * take the id from a bounded cache — never for another value, another secret, or after the
 * session's max age (when h3 itself would refuse the cookie as expired).
 */
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createApp, eventHandler, toNodeListener } from 'h3'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createSessionCache } from '../../server/lib/http/session-cache'
import { anonymousUserId, USER_COOKIE } from '../../server/lib/http/user'

const YEAR_MS = 31_536_000 * 1000

describe('session cache', () => {
  it('answers for the exact cookie value and secret until the session expires', () => {
    let nowMs = 1_000
    const cache = createSessionCache(10, () => nowMs)
    cache.set('sealed-a', 'secret', 'id-a', 5_000)
    expect(cache.get('sealed-a', 'secret')).toBe('id-a')
    expect(cache.get('sealed-a ', 'secret')).toBeUndefined()
    expect(cache.get('sealed-b', 'secret')).toBeUndefined()
    expect(cache.get('sealed-a', 'other secret')).toBeUndefined()
    nowMs = 5_000
    expect(cache.get('sealed-a', 'secret')).toBe('id-a')
    nowMs = 5_001
    expect(cache.get('sealed-a', 'secret')).toBeUndefined()
    expect(cache.size).toBe(0)
    cache.set('sealed-late', 'secret', 'id', 5_000)
    expect(cache.size).toBe(0)
  })

  it('stays within its bound (the oldest entry goes first) and empties when the secret changes', () => {
    const cache = createSessionCache(3, () => 0)
    for (const name of ['a', 'b', 'c', 'd']) cache.set(name, 'secret', `id-${name}`, 10)
    expect(cache.size).toBe(3)
    expect(cache.get('a', 'secret')).toBeUndefined()
    expect(cache.get('d', 'secret')).toBe('id-d')
    cache.set('e', 'new secret', 'id-e', 10)
    expect(cache.size).toBe(1)
    expect(cache.get('d', 'secret')).toBeUndefined()
    expect(cache.get('d', 'new secret')).toBeUndefined()
  })
})

describe('anonymous user cookie', () => {
  let server: Server | null = null

  afterEach(async () => {
    vi.useRealTimers()
    vi.restoreAllMocks()
    server?.closeAllConnections()
    await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
    server = null
  })

  async function listen(): Promise<(cookie?: string, secret?: string) => Promise<{ id: string, setCookie: string | null }>> {
    const app = createApp()
    app.use(eventHandler(event => anonymousUserId(event, String(event.node.req.headers['x-secret'] ?? ''))))
    server = createServer(toNodeListener(app))
    await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    return async (cookie, secret = 'a-secret-of-at-least-32-characters!!') => {
      const response = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'x-secret': secret, ...(cookie ? { cookie } : {}) } })
      return { id: await response.text(), setCookie: response.headers.get('set-cookie') }
    }
  }

  it('unseals a cookie once, then gives the same id without decrypting; a changed cookie is not trusted', async () => {
    const request = await listen()
    const first = await request()
    expect(first.setCookie).toContain(`${USER_COOKIE}=`)
    const cookie = first.setCookie!.split(';')[0]!
    const decrypt = vi.spyOn(globalThis.crypto.subtle, 'decrypt')
    expect(await request(cookie)).toEqual({ id: first.id, setCookie: null })
    const decryptsForFirstUse = decrypt.mock.calls.length
    expect(decryptsForFirstUse).toBeGreaterThan(0)
    expect(await request(cookie)).toEqual({ id: first.id, setCookie: null })
    expect(decrypt.mock.calls.length).toBe(decryptsForFirstUse)

    // One character changed: a new user, never the cached id.
    const value = cookie.slice(cookie.indexOf('=') + 1)
    const middle = Math.floor(value.length / 2)
    const forged = `${USER_COOKIE}=${value.slice(0, middle)}${value[middle] === 'A' ? 'B' : 'A'}${value.slice(middle + 1)}`
    const other = await request(forged)
    expect(other.id).not.toBe(first.id)
    expect(other.setCookie).toContain(`${USER_COOKIE}=`)
    // Another secret does not accept the cached cookie either.
    expect((await request(cookie, 'another-secret-of-at-least-32-chars!!')).id).not.toBe(first.id)
  })

  it('a cached cookie expires with its session', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = Date.now()
    const request = await listen()
    const first = await request()
    const cookie = first.setCookie!.split(';')[0]!
    // Another user whose cookie is first read (and cached) only near its end.
    const late = await request()
    const lateCookie = late.setCookie!.split(';')[0]!
    expect((await request(cookie)).id).toBe(first.id)
    vi.setSystemTime(start + YEAR_MS - 60_000)
    expect((await request(cookie)).id).toBe(first.id)
    expect((await request(lateCookie)).id).toBe(late.id)
    vi.setSystemTime(start + YEAR_MS + 60_000)
    const expired = await request(cookie)
    expect(expired.id).not.toBe(first.id)
    expect(expired.setCookie).toContain(`${USER_COOKIE}=`)
    // Cached for what was left of its session, not for a whole one from the read.
    expect((await request(lateCookie)).id).not.toBe(late.id)
  })
})
