/**
 * The retry of a workflow start (same body, same `Idempotency-Key`: its response was lost) while
 * the input schema's own code throws (its database is down): the key's job exists, so the retry is
 * that job (`200`, `created: false`), as for a body this version would refuse (api.md). A schema
 * check that threw was answered 500 before the key was looked up.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { bookingLookup as lookup, bookingWorkflow as booking } from '../support/booking-workflow'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const app = useServedRoutes({
  runners: { chat: async () => {}, workflow: runWorkflowJob },
  workflows: createWorkflowRegistry([booking]),
})

afterEach(() => {
  lookup.fail = null
  vi.restoreAllMocks()
})

async function start(key: string) {
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify({ workflow: 'booking', input: { room: 'blue' } }) })
  return { status: response.status, body: await response.json() as { id?: string, created?: boolean } }
}

describe('a retried workflow start while the input schema throws', () => {
  it('is the key\'s job; a new key is the 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const first = await start('booking-1')
    expect(first).toMatchObject({ status: 202, body: { created: true } })
    lookup.fail = () => {
      throw new Error('rooms db is down')
    }
    expect(await start('booking-1')).toEqual({ status: 200, body: expect.objectContaining({ id: first.body.id, created: false }) })
    expect((await start('booking-2')).status).toBe(500)
  })
})
