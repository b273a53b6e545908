/**
 * The metrics route compares the whole Bearer token, not only its length. The other checks of a
 * wrong token (here and in e2e/faults) send `Bearer wrong`, shorter than any token worth
 * configuring: the length check alone refused it, so a route that compared lengths only passed them.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: '/' } }),
  useNitroApp: () => ({ hooks: { callHook: async () => {} } }),
}))

const TOKEN = 'a3f1c9e07b5d42e8961f0c7a2b4d8e63'

let app: RouteApp | undefined
afterEach(async () => {
  await app?.close()
  app = undefined
})

const statusWith = async (authorization: string) => (await fetch(`${app!.base}/api/jobs/metrics`, { headers: { authorization } })).status

describe('the metrics token', () => {
  it('is compared whole: a token of the same length that differs is a 401', async () => {
    app = await serveRoutes({ config: { metricsToken: TOKEN } })
    expect(await statusWith(`Bearer ${TOKEN}`)).toBe(200)
    const lastDiffers = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('0') ? '1' : '0'}`
    expect(lastDiffers).toHaveLength(TOKEN.length)
    expect(await statusWith(`Bearer ${lastDiffers}`)).toBe(401)
    expect(await statusWith(`Bearer ${'x'.repeat(TOKEN.length)}`)).toBe(401)
  })
})
