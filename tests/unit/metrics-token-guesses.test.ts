/**
 * The metrics route took any number of wrong tokens: a script could guess at the speed of the
 * network. Now each client address (as `trustedProxies` reads it) may send 10 wrong tokens a
 * minute; the next request from it — the right token too, or the answer would tell a guess that
 * hit — is a 429 with `Retry-After` until the oldest of them is a minute old, and one warn line
 * names the address. Another address (the operator's Prometheus) is not held back, and a right
 * token never counts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useConsoleLines } from '../support/console-lines'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const TOKEN = 'a3f1c9e07b5d42e8961f0c7a2b4d8e63'
const GUESSER = '192.0.2.7'
const PROMETHEUS = '198.51.100.20'

const log = useConsoleLines()
let app: RouteApp | undefined
afterEach(async () => {
  vi.useRealTimers()
  await app?.close()
  app = undefined
})

/** GET /api/jobs/metrics from `address` (behind one trusted proxy) with `token`. */
async function scrape(address: string, token: string) {
  const response = await fetch(`${app!.base}/api/jobs/metrics`, { headers: { 'authorization': `Bearer ${token}`, 'x-forwarded-for': address } })
  const body = await response.json() as { message?: string }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), message: body.message }
}

describe('wrong metrics tokens from one address', () => {
  it('are refused with a 429 and Retry-After after 10 a minute, the right token from that address too; another address is not held back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    app = await serveRoutes({ config: { metricsToken: TOKEN, trustedProxies: 1 } })
    for (let guess = 0; guess < 10; guess++) {
      expect((await scrape(GUESSER, `guess-${guess}`)).status).toBe(401)
      vi.advanceTimersByTime(1000)
    }
    const refused = await scrape(GUESSER, 'guess-10')
    expect(refused.status).toBe(429)
    // The first wrong token was 10 s ago: the window frees in 50 s.
    expect(refused.retryAfter).toBe('50')
    expect(refused.message).toBe('Too many wrong metrics tokens from this address: at most 10 a minute; retry in 50 s')
    expect(refused.message).not.toContain(TOKEN)
    // The operator hears of it once, with the address and nothing that was sent.
    expect(log.lines()).toEqual([{ level: 'warn', message: `the metrics route refuses ${GUESSER} for up to a minute: 10 wrong tokens from it within a minute` }])
    expect((await scrape(GUESSER, TOKEN)).status).toBe(429)
    // Prometheus, from its own address, reads the metrics all along.
    expect((await scrape(PROMETHEUS, TOKEN)).status).toBe(200)
    expect((await scrape(PROMETHEUS, 'typo')).status).toBe(401)
    // Once the oldest wrong token is a minute old, one more guess may be made (and is a 401).
    vi.advanceTimersByTime(50_000)
    expect((await scrape(GUESSER, TOKEN)).status).toBe(200)
    expect((await scrape(GUESSER, 'guess-11')).status).toBe(401)
    expect((await scrape(GUESSER, 'guess-12')).status).toBe(429)
    expect(log.lines()).toHaveLength(2)
  })

  it('a right token never counts: a busy scraper is never refused', async () => {
    app = await serveRoutes({ config: { metricsToken: TOKEN, trustedProxies: 1 } })
    for (let scrapeCount = 0; scrapeCount < 30; scrapeCount++) expect((await scrape(PROMETHEUS, TOKEN)).status).toBe(200)
    expect(log.lines()).toEqual([])
  })

  it('with trustedProxyAddresses, the header is read only from a listed proxy: a direct client rotating X-Forwarded-For is held back', async () => {
    // The test's requests come from the loopback: listed, they come through a proxy.
    app = await serveRoutes({ config: { metricsToken: TOKEN, trustedProxyAddresses: '127.0.0.0/8,::1' } })
    for (let guess = 0; guess < 10; guess++) expect((await scrape(GUESSER, `guess-${guess}`)).status).toBe(401)
    expect((await scrape(GUESSER, 'guess-10')).status).toBe(429)
    expect((await scrape(PROMETHEUS, TOKEN)).status).toBe(200)
    await app.close()
    // Not listed (a client that reached the app around the proxy): its own header names nothing.
    app = await serveRoutes({ config: { metricsToken: TOKEN, trustedProxyAddresses: '10.0.0.0/8' } })
    for (let guess = 0; guess < 10; guess++) expect((await scrape(`203.0.113.${guess}`, `guess-${guess}`)).status).toBe(401)
    expect((await scrape('203.0.113.99', 'guess-10')).status).toBe(429)
  })
})
