/**
 * docs/metrics.md, "Metrics": the JSON form of `GET /api/jobs/metrics` (its default) was described as
 * `counters` and `histograms` only, so a dashboard reading JSON did not know where the gauges are
 * (`jobsByStatus`, `engine`, `openStreams`, `process`), nor that they are not under their Prometheus
 * names. The page now gives the answer's fields; this compares them with the route's answer.
 */
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serveRoutes } from '../support/route-app'
import type { RouteApp } from '../support/route-app'

vi.mock('nitropack/runtime', () => ({
  useRuntimeConfig: () => ({ app: { baseURL: '/' } }),
  useNitroApp: () => ({ hooks: { callHook: async () => {} } }),
}))

const TOKEN = 'b7e2d4a19c3f48e6a05d1e9c7f2b6a38'

let app: RouteApp
beforeAll(async () => {
  app = await serveRoutes({ config: { metricsToken: TOKEN } })
})
afterAll(async () => {
  await app.close()
})

/** The field names of the JSON shape metrics.md gives (`{ a, b, c: { d, e } }` → a, b, c, c.d, c.e). */
function documentedShape(): string[] {
  const text = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8').replace(/\s+/g, ' ')
  const shape = /JSON by default: `\{ (.*?) \} \}`/.exec(text)?.[1] ?? ''
  expect(shape, 'metrics.md gives the JSON answer\'s shape').not.toBe('')
  const [top, nested] = shape.split(/: \{ /) as [string, string | undefined]
  const names = top.split(',').map(name => name.trim())
  const parent = names.at(-1)!
  return [...names, ...(nested ?? '').split(',').map(name => `${parent}.${name.trim()}`)]
}

describe('the metrics route\'s JSON', () => {
  it('has the fields metrics.md gives', async () => {
    const response = await fetch(`${app.base}/api/jobs/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })
    const body = await response.json() as Record<string, unknown>
    const fields = Object.entries(body).flatMap(([key, value]) => key === 'process' ? [key, ...Object.keys(value as object).map(name => `${key}.${name}`)] : [key])
    expect(fields.sort()).toEqual(documentedShape().sort())
  })
})
