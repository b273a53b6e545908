/**
 * During a store outage the routes log the first 503 and, once the store answers again, one line
 * saying so (docs/logs.md). A route that never asks the store — the catalog a health check
 * polls, a HEAD — succeeded during the outage and was taken for the store answering: every probe
 * logged "the job store answers requests again", and the next 503 logged the outage again, two
 * lines per probe for as long as the store stayed down.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { instrumentProvider } from '../../server/lib/providers/instrument-provider'
import { RedisUnavailableError } from '../../server/lib/providers/redis-client'
import type { JobProvider } from '../../server/lib/providers/types'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const store = { down: false }

/** The memory provider behind a store that can go down, timed like a shared one. */
function outageProvider(provider: JobProvider): JobProvider {
  const list: JobProvider['list'] = (...args) => store.down ? Promise.reject(new RedisUnavailableError(new Error('connect ECONNREFUSED 10.0.3.7:6379'))) : provider.list(...args)
  return instrumentProvider({ ...provider, list } as JobProvider)
}

const app = useServedRoutes({ wrap: outageProvider })
let lines: Array<{ level: string, message: string }> = []

beforeEach(() => {
  lines = []
  for (const level of ['info', 'warn', 'error'] as const) {
    vi.spyOn(console, level).mockImplementation((line: unknown) => {
      const parsed = JSON.parse(String(line)) as { level: string, message: string }
      lines.push({ level: parsed.level, message: parsed.message })
    })
  }
})

afterEach(() => {
  vi.restoreAllMocks()
  store.down = false
})

const statusOf = async (path: string) => (await fetch(`${app.base}${path}`)).status

describe('the routes\' store outage log', () => {
  it('logs the outage once and its end once, whatever routes that do not ask the store answer meanwhile', async () => {
    store.down = true
    const statuses: number[] = []
    for (let probe = 0; probe < 5; probe++) statuses.push(await statusOf('/api/jobs/catalog'), await statusOf('/api/jobs'))
    expect(statuses).toEqual([200, 503, 200, 503, 200, 503, 200, 503, 200, 503])
    expect(lines).toEqual([{ level: 'warn', message: 'the job store did not answer a request (503); later ones are not logged until it answers again' }])
    store.down = false
    expect(await statusOf('/api/jobs')).toBe(200)
    expect(lines.slice(1)).toEqual([{ level: 'info', message: 'the job store answers requests again' }])
  })
})
