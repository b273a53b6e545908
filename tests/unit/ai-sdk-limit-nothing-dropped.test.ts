/**
 * A new AI SDK turn at the per-user concurrency limit, in a chat whose running job it neither
 * replaces nor was written past (the main chat answers in the same thread meanwhile). Refused for
 * the limit, the route looks for the turns the new one drops (their slots would be its own) — and
 * when it found none, it asked the store to create the same job again, with the same limits, to
 * be refused again: a second store call (a Redis script, a Convex mutation) per refused post. The
 * refusal now stands when no dropped turn was found; it is counted once in `jobs_refused_total`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useMetrics } from '../../server/lib/metrics'
import type { JobProvider } from '../../server/lib/providers/types'
import { useServedRoutes } from '../support/route-app'

vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))

let creates = 0
const counting = (provider: JobProvider): JobProvider => new Proxy(provider, {
  get(target, name, receiver) {
    const value = Reflect.get(target, name, receiver)
    if (name !== 'create' || typeof value !== 'function') return value
    return (...args: unknown[]) => {
      creates++
      return value.apply(target, args)
    }
  },
})

const app = useServedRoutes({ config: { limits: { maxConcurrentJobsPerUser: 1 } }, wrap: counting })

describe('a new AI SDK turn at the concurrency limit with nothing to drop', () => {
  beforeEach(() => useMetrics().reset())
  afterEach(() => useMetrics().reset())

  it('is refused after one store call, and counted once', async () => {
    const chatId = 'chat-limit-nothing-dropped'
    // The main chat's answer in the same thread holds the one slot (idle runners: it runs on).
    const started = await fetch(`${app.base}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ threadId: chatId, messages: [{ role: 'user', content: 'from the main chat' }] }) })
    expect(started.status).toBe(202)

    creates = 0
    const response = await fetch(`${app.base}/api/jobs/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: chatId, trigger: 'submit-message', messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: 'hello' }] }] }),
    })
    expect(response.status).toBe(429)
    expect(await response.text()).toContain('1')
    expect(creates).toBe(1)
    expect(useMetrics().snapshot().counters['jobs_refused_total{reason="user-limit"}']).toBe(1)
  })
})
