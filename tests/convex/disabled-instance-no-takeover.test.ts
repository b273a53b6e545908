/**
 * `NUXT_BACKGROUND_JOBS_ENABLED=false` on an instance of a shared store (two or three instances
 * over one convex-test backend, fake timers): the instance runs no job at all. It used to answer
 * 503 on every route yet still run its recovery scan every lease heartbeat, take over the jobs
 * other instances lost or handed off, and resume them — and it said it was alive, so the enabled
 * instances left it its "share" of those jobs for a scan. Now it scans nothing, claims nothing, is
 * counted by nobody and holds no timer, while the enabled instances take the jobs over as before.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const lease = { durationMs: 3_000, heartbeatMs: 1_000 }
const workflow = { type: 'workflow' as const, workflow: 'ask', input: {} }

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

it('a disabled instance takes over no lost job, is not counted in the shares, and an enabled one takes them all', async () => {
  const backend = createBackend()
  const enabled = resolveConfig({ scripted: { enabled: true }, lease })
  const a = createEngineNode(backend, { instanceId: 'A', config: enabled })
  const off = createEngineNode(backend, { instanceId: 'OFF', config: resolveConfig({ enabled: false, scripted: { enabled: true }, lease }) })
  const ids: string[] = []
  for (const user of ['u1', 'u2']) ids.push((await a.engine.createJob(user, { request: workflow })).job.id)
  await vi.advanceTimersByTimeAsync(500) // both wait for their answer on A
  await a.engine.dispose() // a rolling deploy: A hands its workflows off, their leases lapse at once

  // Several heartbeats of the disabled instance: it takes nothing and holds no timer.
  await vi.advanceTimersByTimeAsync(5_000)
  expect(await off.engine.recover()).toBe(0)
  const owners = await Promise.all(ids.map(async id => (await off.provider.get(id))!.lease!.instanceId))
  expect({ owners, runs: off.engine.stats().runs, engineTimers: off.engine.stats().engineTimers })
    .toEqual({ owners: ['A', 'A'], runs: 0, engineTimers: 0 })

  // An enabled instance takes both at its first scan: the disabled one is not counted as alive.
  const b = createEngineNode(backend, { instanceId: 'B', config: enabled })
  expect(await b.engine.recover()).toBe(2)
  expect(b.engine.stats().runs).toBe(2)
  for (const id of ids) expect((await b.provider.get(id))!.lease!.instanceId).toBe('B')

  const disposing = Promise.all([b.engine.dispose(), off.engine.dispose()])
  await vi.advanceTimersByTimeAsync(10_000)
  await disposing
})
