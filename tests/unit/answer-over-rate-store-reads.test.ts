/**
 * Over `limits.inputPerMinute`, an answer is refused with a 429; only the same answer again, taken
 * before (its reply was lost), is answered (api.md). For a job that no run here holds (ended, or run
 * by another instance) telling the two apart reads the job's whole stored log, and fde73e1e did that
 * for every refused answer: a flood over the limit read a log per request, where the 429 before it
 * read none. Those reads now count in a window of their own, as many a minute as the limit allows
 * answers (rate-limit.ts, `takeRetryCheck`).
 */
import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import type { JobProvider } from '../../server/lib/providers/types'
import { createWorkflowRegistry } from '../../server/lib/workflows/registry'
import { runWorkflowJob } from '../../server/lib/workflows/run-workflow-job'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

const survey = {
  name: 'survey',
  description: 'asks one question',
  input: z.object({}),
  nodes: {
    first: { kind: 'input', prompt: 'First?', schema: z.object({ pick: z.string() }) },
    done: { kind: 'output', value: 'Done' },
  },
  edges: [['first', 'done']],
}
let stateReads = 0
const app = useServedRoutes({
  config: { limits: { inputPerMinute: 1 } },
  runners: { chat: async () => {}, workflow: runWorkflowJob },
  workflows: createWorkflowRegistry([survey]),
  wrap: (provider: JobProvider) => new Proxy(provider, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown
      if (key !== 'getState' || typeof value !== 'function') return value
      return (...args: unknown[]) => {
        stateReads++
        return (value as (...rest: unknown[]) => unknown).apply(target, args)
      }
    },
  }),
})

describe('POST /api/jobs/:id/input over limits.inputPerMinute', () => {
  it('refuses a flood of new answers to an ended job without reading its log for each', async () => {
    const created = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'survey', input: {} }) })
    const { id } = await created.json() as { id: string }
    await fetch(`${app.base}/api/jobs/${id}/abort`, { method: 'POST' })
    stateReads = 0
    const statuses: number[] = []
    for (let index = 0; index < 20; index++) {
      const answer = await fetch(`${app.base}/api/jobs/${id}/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ requestId: `r-${index}`, answer: { pick: 'x' } }) })
      statuses.push(answer.status)
    }
    // The first answer has the minute's slot: the job has ended (409), read once to tell.
    expect(statuses).toEqual([409, ...Array.from({ length: 19 }, () => 429)])
    // One read for the 409, one for the first refused answer's retry check; none for the other 18.
    expect(stateReads).toBe(2)
  })
})
