/**
 * `GET /api/jobs/metrics` answers JSON by default and Prometheus text when the client asks for
 * `text/plain` (docs/metrics.md). Any `Accept` that merely mentioned `text/plain` got text: axios's default
 * `application/json, text/plain, *\/*` (JSON first) got Prometheus text its JSON parse could not
 * read, and `text/plain;q=0` ("never text") got text too. Now `Accept` is weighed: text when it
 * prefers `text/plain`, JSON otherwise.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: '/' } }),
  useNitroApp: () => ({ hooks: { callHook: async () => {} } }),
}))

const TOKEN = 'a3f1c9e07b5d42e8961f0c7a2b4d8e63'

let app: RouteApp
beforeAll(async () => {
  app = await serveRoutes({ config: { metricsToken: TOKEN } })
})
afterAll(async () => {
  await app.close()
})

async function formatFor(accept: string | undefined, query = ''): Promise<'json' | 'text'> {
  const response = await fetch(`${app.base}/api/jobs/metrics${query}`, { headers: { authorization: `Bearer ${TOKEN}`, ...(accept === undefined ? {} : { accept }) } })
  expect(response.status).toBe(200)
  const type = response.headers.get('content-type') ?? ''
  await response.text()
  return type.startsWith('text/plain') ? 'text' : 'json'
}

describe('the metrics route weighs Accept', () => {
  it.each([
    ['application/json, text/plain, */*', 'json'],
    ['text/plain;q=0', 'json'],
    ['application/json;q=0.9, text/plain;q=0.5', 'json'],
    ['*/*', 'json'],
    ['text/plainish', 'json'],
  ] as const)('%j is answered %s', async (accept, expected) => {
    expect(await formatFor(accept)).toBe(expected)
  })

  it.each([
    ['text/plain', 'text'],
    ['text/plain, */*', 'text'],
    ['application/openmetrics-text;version=1.0.0;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2', 'text'],
    ['application/json;q=0.5, text/plain', 'text'],
  ] as const)('%j is answered %s', async (accept, expected) => {
    expect(await formatFor(accept)).toBe(expected)
  })

  it('?format=prometheus is text whatever Accept says; no Accept is JSON', async () => {
    expect(await formatFor('application/json', '?format=prometheus')).toBe('text')
    expect(await formatFor(undefined)).toBe('json')
  })
})
