/**
 * The metrics token and the DevTools token are compared in time that does not tell their length
 * (same-secret.ts): a token of another length goes through the same constant-time compare as one of
 * the right length. (Comparing raw bytes returned early on a length mismatch: a faster answer
 * that told a guesser the length.) Checked by the compare being made, not by timing.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { checkDevtoolsRequest } from '../../server/lib/devtools/guard'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

const compares = vi.hoisted(() => ({ count: 0 }))

vi.mock('node:crypto', async (importOriginal) => {
  const crypto = await importOriginal<typeof import('node:crypto')>()
  const timingSafeEqual: typeof crypto.timingSafeEqual = (left, right) => {
    compares.count++
    return crypto.timingSafeEqual(left, right)
  }
  return { ...crypto, default: { ...crypto, timingSafeEqual }, timingSafeEqual }
})

vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: '/' } }),
  useNitroApp: () => ({ hooks: { callHook: async () => {} } }),
}))

const TOKEN = 'a3f1c9e07b5d42e8961f0c7a2b4d8e63'

let app: RouteApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
  compares.count = 0
})

describe('a token of the wrong length', () => {
  it('is compared in constant time by the DevTools guard, and refused', () => {
    const refused = checkDevtoolsRequest({ dev: true, token: TOKEN, header: 'short', api: true })
    expect(refused?.statusCode).toBe(403)
    expect(compares.count).toBe(1)
    expect(checkDevtoolsRequest({ dev: true, token: TOKEN, header: TOKEN, api: true })).toBeNull()
  })

  it('is compared in constant time by the metrics route, and refused', async () => {
    app = await serveRoutes({ config: { metricsToken: TOKEN } })
    expect((await fetch(`${app.base}/api/jobs/metrics`, { headers: { authorization: 'Bearer short' } })).status).toBe(401)
    expect(compares.count).toBe(1)
    expect((await fetch(`${app.base}/api/jobs/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200)
  })
})
