/**
 * An input node's answer schema whose own code throws (a refine that looks the answer up in a
 * database that is down) is not the user's bad answer. `POST /api/jobs/:id/input` answered
 * `400 Invalid answer: <the thrown error's message>` — the app's error text sent to the client,
 * nothing logged. Now: a 500 (or the 5xx the app's error carries) quoting nothing of the error,
 * one error line naming the schema with the error, and the job keeps waiting: the same answer
 * once the check runs again is taken.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const lookup = { fail: null as null | (() => never) }

const review = {
  name: 'review',
  description: 'asks for a reviewer',
  input: z.object({}),
  nodes: {
    ask: { kind: 'input', prompt: 'Who reviews?', schema: z.object({ reviewer: z.string().refine((name) => {
      lookup.fail?.()
      return name !== 'nobody'
    }, 'no such reviewer') }) },
    done: { kind: 'output', value: 'Done' },
  },
  edges: [['ask', 'done']],
}
const app = useServedRoutes({
  runners: { chat: async () => {}, workflow: runWorkflowJob },
  workflows: createWorkflowRegistry([review]),
})

afterEach(() => {
  lookup.fail = null
  vi.restoreAllMocks()
})

async function waitingJob(): Promise<{ id: string, requestId: string }> {
  const created = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'review', input: {} }) })
  const { id } = await created.json() as { id: string }
  for (let attempt = 0; attempt < 200; attempt++) {
    const { state } = await app.engine.getJob('user-1', id)
    const request = state.pendingInputs[0]
    if (request) return { id, requestId: request.requestId }
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error('the job never asked')
}

async function answer(id: string, requestId: string, reviewer: string) {
  const response = await fetch(`${app.base}/api/jobs/${id}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, answer: { reviewer } }) })
  return { status: response.status, body: await response.json() as { message?: string } }
}

describe('POST /api/jobs/:id/input with an answer schema whose refine throws', () => {
  it('is a 500 quoting nothing of the error, logged with the node\'s schema; the job keeps waiting', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)))
    const { id, requestId } = await waitingJob()
    lookup.fail = () => {
      throw new Error('connect ECONNREFUSED 10.0.3.7:5432 (people db)')
    }
    const refused = await answer(id, requestId, 'ada')
    expect(refused.status).toBe(500)
    expect(refused.body.message).not.toContain('ECONNREFUSED')
    expect(refused.body.message).toContain('input node "ask" answer could not be checked')
    const logged = lines.filter(line => line.includes('an app schema check threw'))
    expect(logged).toHaveLength(1)
    expect(logged[0]).toContain('input node \\"ask\\" answer')
    expect(logged[0]).toContain('ECONNREFUSED 10.0.3.7:5432 (people db)')
    expect((await app.engine.getJob('user-1', id)).job.status).toBe('waiting')

    // The database is back: the same answer is taken.
    lookup.fail = null
    expect(await answer(id, requestId, 'ada')).toEqual({ status: 200, body: { ok: true, stored: true } })
  })

  it('is the 5xx the app\'s error carries (503 for an outage it signals)', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    const { id, requestId } = await waitingJob()
    lookup.fail = () => {
      throw Object.assign(new Error('people db is down'), { statusCode: 503 })
    }
    expect((await answer(id, requestId, 'ada')).status).toBe(503)
  })

  it('an answer the refine refuses is still the 400 naming the field', async () => {
    const { id, requestId } = await waitingJob()
    expect(await answer(id, requestId, 'nobody')).toEqual({ status: 400, body: expect.objectContaining({ message: 'Invalid answer: answer.reviewer: no such reviewer' }) })
  })
})
