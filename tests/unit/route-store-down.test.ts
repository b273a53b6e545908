/**
 * Every route while the job store is down — each provider call rejects, or throws before any
 * promise — for a job that has ended (so no run here answers from memory): a 503 with
 * `Retry-After`, never a 500 with an internal error.
 */
import { describe, expect, it, vi } from 'vitest'
import { useServedRoutes } from '../support/route-app'
import type { Faults, FaultMode } from '../support/fault-provider'
import { FAULTABLE_CALLS, withFaults } from '../support/fault-provider'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

let faults!: Faults
const app = useServedRoutes({ wrap: (inner) => {
  const made = withFaults(inner)
  faults = made.faults
  return made.wrapped
} })

const requests: Array<[method: string, path: string, body?: unknown]> = [
  ['GET', '/api/jobs'],
  ['HEAD', '/api/jobs'],
  ['POST', '/api/jobs', { messages: [{ role: 'user', content: 'hi' }] }],
  ['DELETE', '/api/jobs?threadId=t1'],
  ['GET', '/api/jobs/threads'],
  ['PATCH', '/api/jobs/threads/t1', { title: 'Named' }],
  ['GET', '/api/jobs/JOB'],
  ['HEAD', '/api/jobs/JOB'],
  ['DELETE', '/api/jobs/JOB'],
  ['POST', '/api/jobs/JOB/abort'],
  ['POST', '/api/jobs/JOB/input', { requestId: 'r1', answer: true }],
  ['GET', '/api/jobs/JOB/stream'],
  ['HEAD', '/api/jobs/JOB/stream'],
  ['POST', '/api/jobs/chat', { id: 'chat-1', messages: [{ id: 'm1', role: 'user', parts: [{ type: 'text', text: 'hi' }] }] }],
  ['POST', '/api/jobs/chat/chat-1/abort'],
  ['GET', '/api/jobs/chat/chat-1/messages'],
  ['GET', '/api/jobs/chat/chat-1/stream'],
  ['HEAD', '/api/jobs/chat/chat-1/stream'],
]

describe('routes while the store is down', () => {
  for (const mode of ['reject', 'throw'] as FaultMode[]) {
    it.each(requests)(`${mode}: %s %s answers 503`, async (method, path, body) => {
      const created = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ messages: [{ role: 'user', content: 'x' }] }) })
      const cookie = created.headers.get('set-cookie')?.split(';')[0] ?? ''
      const { id } = await created.json() as { id: string }
      // Ended: no run here answers for it from memory, every route asks the store.
      await fetch(`${app.base}/api/jobs/${id}/abort`, { method: 'POST', headers: { cookie } })
      for (const call of FAULTABLE_CALLS) faults.arm(call, mode, 1_000)
      try {
        const response = await fetch(`${app.base}${path.replace('JOB', id)}`, { method, headers: { cookie, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) })
        const text = method === 'HEAD' ? '' : await response.text()
        expect({ status: response.status, text }).toMatchObject({ status: 503 })
        if (method !== 'HEAD') expect(text).toContain('The job store (test)')
        expect(response.headers.get('retry-after')).toBe('5')
      }
      finally {
        faults.clear()
      }
    })
  }
})
