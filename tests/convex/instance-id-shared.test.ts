/**
 * Two live instances given the same `NUXT_BACKGROUND_JOBS_INSTANCE_ID` on Convex (every pod given
 * the same environment) share one `instances` document: counted as one instance when a lost
 * instance's jobs are shared out, and nothing said so (the Redis provider warned; Convex did not).
 * Each registration now carries its process's token, and a process that finds its registration
 * rewritten by another between its heartbeats is warned, once, naming the variable; a restart under
 * the same id is not; an older server (no token) is answered as before.
 */
import { describe, expect, it } from 'vitest'
import { api } from '../../convex/_generated/api'
import { recordingLogger } from '../support/recording-logger'
import { createBackend, createInstance, TEST_SECRET } from './backend'

const SHARED = /another live instance uses the instance id "pod-1" \(NUXT_BACKGROUND_JOBS_INSTANCE_ID\)/
const TTL = 600_000

function instance(backend: ReturnType<typeof createBackend>) {
  const { logger, lines } = recordingLogger()
  const { provider } = createInstance(backend, { logger })
  return { provider, warnings: () => lines.filter(line => line.level === 'warn').map(line => line.message) }
}

describe('convex: two live instances with one instance id', () => {
  it('each is warned, once; an instance with its own id is not', async () => {
    const backend = createBackend()
    const a = instance(backend)
    const b = instance(backend)
    const c = instance(backend)
    for (let round = 0; round < 4; round++) {
      await a.provider.heartbeatInstance!('pod-1', TTL)
      await b.provider.heartbeatInstance!('pod-1', TTL)
      await c.provider.heartbeatInstance!('pod-2', TTL)
    }
    expect(a.warnings()).toEqual([expect.stringMatching(SHARED)])
    expect(b.warnings()).toEqual([expect.stringMatching(SHARED)])
    expect(c.warnings()).toEqual([])
    // What sharing the id does: three instances counted as two.
    expect((await c.provider.heartbeatInstance!('pod-2', TTL)).instances).toBe(2)
  })

  it('a restart under the same id, while the old registration is still alive, is not warned about', async () => {
    const backend = createBackend()
    // The process before: registered, then gone without leaving (a crash, a SIGKILL).
    await instance(backend).provider.heartbeatInstance!('pod-1', TTL)
    const after = instance(backend)
    for (let round = 0; round < 4; round++) await after.provider.heartbeatInstance!('pod-1', TTL)
    expect(after.warnings()).toEqual([])
  })

  it('an older server (no token) is answered as before, and a newer one beside it is not misled', async () => {
    const backend = createBackend()
    expect(await backend.mutation(api.leases.heartbeatInstance, { secret: TEST_SECRET, instanceId: 'old-1', ttlMs: TTL })).toBeNull()
    const current = instance(backend)
    for (let round = 0; round < 3; round++) await current.provider.heartbeatInstance!('pod-1', TTL)
    expect(current.warnings()).toEqual([])
    expect((await current.provider.heartbeatInstance!('pod-1', TTL)).instances).toBe(2)
  })
})

describe('convex: one of two live instances with one id shuts down', () => {
  it('leaves the other\'s registration in place; the last one to leave removes it', async () => {
    const backend = createBackend()
    const a = instance(backend)
    const b = instance(backend)
    const c = instance(backend)
    await a.provider.heartbeatInstance!('pod-1', TTL)
    await b.provider.heartbeatInstance!('pod-1', TTL)
    await c.provider.heartbeatInstance!('pod-2', TTL)
    // a leaves (ttl 0) while b, which renewed the registration last, runs on.
    await a.provider.heartbeatInstance!('pod-1', 0)
    expect((await c.provider.heartbeatInstance!('pod-2', TTL)).instances).toBe(2)
    await b.provider.heartbeatInstance!('pod-1', 0)
    expect((await c.provider.heartbeatInstance!('pod-2', TTL)).instances).toBe(1)
  })
})
