/**
 * A `limit` that is not a whole number in range gets one 400 saying what is expected, as api.md
 * documents ("not a whole number 1–200", "1–100"), the same on both list routes — not zod's
 * `expected number, received NaN` for `?limit=ten` (the client sent no NaN), nor two issues
 * about one huge number, nor another wording on each route.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes()

const bad = ['ten', '0', '-1', '1.5', 'Infinity', '99999999999999999999999']
const cases = [
  ...bad.map(value => ['/api/jobs', value, 'limit: must be a whole number from 1 to 200'] as const),
  ['/api/jobs', '201', 'limit: must be a whole number from 1 to 200'] as const,
  ...bad.map(value => ['/api/jobs/threads', value, 'limit: must be a whole number from 1 to 100'] as const),
  ['/api/jobs/threads', '101', 'limit: must be a whole number from 1 to 100'] as const,
]

describe('a limit out of its documented range', () => {
  it.each(cases)('GET %s?limit=%s is a 400: %s', async (path, value, expected) => {
    const response = await fetch(`${app.base}${path}?limit=${value}`)
    expect(response.status).toBe(400)
    expect((await response.json() as { message: string }).message).toBe(expected)
  })

  it.each([['/api/jobs', '200'], ['/api/jobs/threads', '100'], ['/api/jobs', '1'], ['/api/jobs/threads', '']])('GET %s?limit=%s is taken', async (path, value) => {
    expect((await fetch(`${app.base}${path}?limit=${value}`)).status).toBe(200)
  })
})
