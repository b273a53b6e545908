/**
 * The same answer sent again by the user the job took it from (the retry of a lost response, or of
 * a 503 that went through) is `200 { ok: true, stored: true }` (api.md). But `POST …/input` took a
 * slot of `limits.inputPerMinute` before the engine looked at the answer: at the limit, the retry
 * was a `429 Too many input answers`, and the client was told its answer had not gone through while
 * the job had taken it. A retry of a taken answer is now answered over the limit; a new answer is
 * still refused.
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const survey = {
  name: 'survey',
  description: 'asks two questions',
  input: z.object({}),
  nodes: {
    first: { kind: 'input', prompt: 'First?', schema: z.object({ pick: z.string() }) },
    second: { kind: 'input', prompt: 'Second?', schema: z.object({ pick: z.string() }) },
    done: { kind: 'output', value: 'Done' },
  },
  edges: [['first', 'second'], ['second', 'done']],
}
const app = useServedRoutes({
  config: { limits: { inputPerMinute: 1 } },
  runners: { chat: async () => {}, workflow: runWorkflowJob },
  workflows: createWorkflowRegistry([survey]),
})

async function pendingOf(jobId: string, nodeId: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { state } = await app.engine.getJob('user-1', jobId)
    const request = state.pendingInputs.find(input => input.nodeId === nodeId)
    if (request) return request.requestId
    await new Promise(resolve => setImmediate(resolve))
  }
  throw new Error(`node ${nodeId} never asked`)
}

function answer(jobId: string, requestId: string, pick: string) {
  return fetch(`${app.base}/api/jobs/${jobId}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId, answer: { pick } }) })
}

describe('POST /api/jobs/:id/input at limits.inputPerMinute', () => {
  it('answers the retry of a taken answer 200 stored, and still refuses a new answer with a 429', async () => {
    const created = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'survey', input: {} }) })
    const { id } = await created.json() as { id: string }
    const first = await pendingOf(id, 'first')
    expect((await answer(id, first, 'a')).status).toBe(200)

    // The minute's one answer is spent; the same answer again (its response was lost) is that answer.
    const retry = await answer(id, first, 'a')
    expect({ status: retry.status, body: await retry.json() }).toEqual({ status: 200, body: { ok: true, stored: true } })

    // Another value for the same request, or a new answer, is refused as before.
    const other = await answer(id, first, 'b')
    expect(other.status).toBe(429)
    expect((await other.json() as { message: string }).message).toMatch(/limits\.inputPerMinute/)
    const second = await answer(id, await pendingOf(id, 'second'), 'c')
    expect(second.status).toBe(429)
    expect(second.headers.get('retry-after')).toMatch(/^\d+$/)
  })
})
