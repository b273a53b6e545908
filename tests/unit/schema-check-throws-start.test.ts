/**
 * A workflow input schema whose own code throws (a refine that looks the value up in a database
 * that is down) is not the client's bad input. `POST /api/jobs` answered `400 Invalid workflow
 * input: <the thrown error's message>` — the app's error text sent to the client, nothing logged.
 * Now: a 500 (or the 5xx the app's error carries) with a message quoting nothing of the error,
 * and one error line naming the schema, with the error.
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

async function start(room: string) {
  const response = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'booking', input: { room } }) })
  return { status: response.status, message: (await response.json() as { message: string }).message }
}

describe('POST /api/jobs with a workflow input schema whose refine throws', () => {
  it('is a 500 quoting nothing of the error, logged with the workflow and the error', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    lookup.fail = () => {
      throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (rooms db)')
    }
    const answer = await start('blue')
    expect(answer.status).toBe(500)
    expect(answer.message).not.toContain('ECONNREFUSED')
    expect(answer.message).toContain('workflow "booking" input could not be checked')
    const logged = lines.filter(line => line.includes('an app schema check threw'))
    expect(logged).toHaveLength(1)
    expect(logged[0]).toContain('workflow \\"booking\\" input')
    expect(logged[0]).toContain('ECONNREFUSED 10.0.3.7:5432 (rooms db)')
  })

  it('is the 5xx the app\'s error carries (503 for an outage it signals)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    lookup.fail = () => {
      throw Object.assign(new Error('rooms db is down'), { statusCode: 503 })
    }
    expect((await start('blue')).status).toBe(503)
  })

  it('a value the refine refuses is still the 400 naming the field', async () => {
    const answer = await start('gone')
    expect(answer).toEqual({ status: 400, message: 'Invalid workflow input: input.room: no such room' })
  })
})
