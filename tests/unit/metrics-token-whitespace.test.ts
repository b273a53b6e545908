/**
 * A metrics token read with whitespace around it — a Kubernetes secret made from a file that ends
 * with a newline, a `.env` line with a trailing space — is the token without it, as the upstream
 * API key is: a request header cannot carry the whitespace (HTTP trims it), so the route answered
 * 401 to every request with the right token and could never be read. Only whitespace is no token:
 * the route is off (404), as with none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'
import { configWarnings } from '../../server/lib/config-validate'
import { resolveConfig } from '../../server/lib/config'

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

describe('a metrics token with whitespace around it', () => {
  it.each([`${TOKEN}\n`, ` ${TOKEN}`, `${TOKEN} \r\n`])('%j answers the token without it', async (metricsToken) => {
    app = await serveRoutes({ config: { metricsToken } })
    const response = await fetch(`${app.base}/api/jobs/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(response.status).toBe(200)
    const refused = await fetch(`${app.base}/api/jobs/metrics`, { headers: { authorization: 'Bearer wrong' } })
    expect(refused.status).toBe(401)
  })

  it('only whitespace is no token: the route is off', async () => {
    app = await serveRoutes({ config: { metricsToken: ' \n' } })
    expect((await fetch(`${app.base}/api/jobs/metrics`, { headers: { authorization: 'Bearer x' } })).status).toBe(404)
  })

  it('the boot warning about a short token counts it without the whitespace', () => {
    expect(configWarnings(resolveConfig({ metricsToken: `${TOKEN}\n` }))).toEqual([])
    expect(configWarnings(resolveConfig({ metricsToken: `short${' '.repeat(20)}` })).join()).toContain('shorter than 16 characters')
  })
})
