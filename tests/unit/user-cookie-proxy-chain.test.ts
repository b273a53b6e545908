/**
 * Behind two proxies that each set `X-Forwarded-Proto` (a CDN that ends TLS, then a load balancer
 * or nginx in front of the app), Node joins the two header lines into one value: `https, https`
 * (or `https, http` when the inner hop is plain http). The leftmost value is the scheme the browser
 * used. The anonymous user cookie must still be the `Secure` `__Host-bgjobs_uid`, and a plain
 * `bgjobs_uid` (what a sibling subdomain can plant) must still not be read over https.
 */
import { request as httpRequest } from 'node:http'
import type { OutgoingHttpHeaders } from 'node:http'
import { eventHandler } from 'h3'
import { describe, expect, it } from 'vitest'
import { anonymousUserId, SECURE_USER_COOKIE, USER_COOKIE } from '../../server/lib/http/user'
import { isHttpsRequest } from '../../shared/forwarded-https'
import { useH3Server } from '../support/h3-server'

const SECRET = 'a-secret-of-at-least-32-characters!!'

const served = useH3Server(eventHandler(event => anonymousUserId(event, SECRET)))

/** One request with these headers (an array value is sent as repeated header lines, as a proxy chain does). */
function visit(headers: OutgoingHttpHeaders): Promise<{ id: string, setCookie: string | null, pair: string | null }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: served.port, path: '/', headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => {
        const setCookie = res.headers['set-cookie']?.[0] ?? null
        resolve({ id: body, setCookie, pair: setCookie?.split(';')[0] ?? null })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the anonymous user cookie behind two proxies', () => {
  it.each([
    ['two lines, both https', ['https', 'https']],
    ['one joined value', 'https, https'],
    ['the inner hop over http', ['https', 'http']],
    ['upper case', 'HTTPS'],
  ])('X-Forwarded-Proto %s: __Host-bgjobs_uid, Secure', async (_name, proto) => {
    const { setCookie } = await visit({ 'x-forwarded-proto': proto })
    expect(setCookie).toMatch(new RegExp(`^${SECURE_USER_COOKIE}=`))
    expect(setCookie).toMatch(/; Secure(;|$)/)
  })

  it('a planted plain bgjobs_uid is not read', async () => {
    const planted = await visit({})
    expect(planted.pair).toMatch(new RegExp(`^${USER_COOKIE}=`))
    const visitor = await visit({ 'x-forwarded-proto': ['https', 'https'], 'cookie': planted.pair! })
    expect(visitor.id).not.toBe(planted.id)
  })

  it('a first value of http is http (the browser used http)', async () => {
    const { setCookie } = await visit({ 'x-forwarded-proto': ['http', 'https'] })
    expect(setCookie).toMatch(new RegExp(`^${USER_COOKIE}=`))
    expect(setCookie).not.toMatch(/; Secure/)
  })
})

describe('isHttpsRequest', () => {
  const event = (proto: string | undefined, encrypted = false) => ({
    node: { req: { headers: proto === undefined ? {} : { 'x-forwarded-proto': proto }, connection: { encrypted } } },
  }) as unknown as Parameters<typeof isHttpsRequest>[0]

  it('reads the leftmost forwarded scheme, else the socket', () => {
    expect(isHttpsRequest(event(' https , http'))).toBe(true)
    expect(isHttpsRequest(event('http, https'))).toBe(false)
    expect(isHttpsRequest(event(''))).toBe(false)
    expect(isHttpsRequest(event(undefined))).toBe(false)
    expect(isHttpsRequest(event(undefined, true))).toBe(true)
  })
})
