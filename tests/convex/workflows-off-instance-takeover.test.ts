/**
 * `NUXT_BACKGROUND_JOBS_WORKFLOWS_ENABLED=false` on one instance of a shared store (convex-test,
 * fake timers). That instance used to claim the workflows other instances lost or handed off at its
 * next scan and end them `failed` (`invalid-request`, "workflows are disabled"), where an instance
 * with workflows on would have resumed them. Now it leaves them to the instances that can resume
 * them, and ends them only once none took them for as long as a lost owner takes to be replaced.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const lease = { durationMs: 3_000, heartbeatMs: 1_000 }
const workflow = { type: 'workflow' as const, workflow: 'ask', input: {} }
const enabled = resolveConfig({ scripted: { enabled: true }, lease })
const workflowsOff = resolveConfig({ scripted: { enabled: true }, lease, workflows: { enabled: false } })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** Instance A starts two workflows that wait for an answer, then hands them off at shutdown. */
async function handedOffWorkflows(backend: ReturnType<typeof createBackend>) {
  const a = createEngineNode(backend, { instanceId: 'A', config: enabled })
  const ids: string[] = []
  for (const user of ['u1', 'u2']) ids.push((await a.engine.createJob(user, { request: workflow })).job.id)
  await vi.advanceTimersByTimeAsync(500)
  await a.engine.dispose()
  return ids
}

it('an instance with workflows off leaves lost workflows to one with workflows on, which resumes them', async () => {
  const backend = createBackend()
  const ids = await handedOffWorkflows(backend)
  const off = createEngineNode(backend, { instanceId: 'OFF', config: workflowsOff })

  // Several of its scans (every lease heartbeat): it claims none of them and ends none.
  await vi.advanceTimersByTimeAsync(3_500)
  const seen = await Promise.all(ids.map(async id => ({ owner: (await off.provider.get(id))!.lease!.instanceId, status: (await off.provider.getState(id))!.status })))
  expect(seen).toEqual([{ owner: 'A', status: 'waiting' }, { owner: 'A', status: 'waiting' }])

  // An instance with workflows on takes them over and asks their questions again.
  const b = createEngineNode(backend, { instanceId: 'B', config: enabled })
  await vi.advanceTimersByTimeAsync(2_500)
  for (const id of ids) {
    expect((await b.provider.get(id))!.lease!.instanceId).toBe('B')
    expect((await b.provider.getState(id))!.status).toBe('waiting')
  }
  expect(b.engine.stats().runs).toBe(2)

  const disposing = Promise.all([b.engine.dispose(), off.engine.dispose()])
  await vi.advanceTimersByTimeAsync(10_000)
  await disposing
})

it('with no instance that can resume them, the instance with workflows off ends them once none took them', async () => {
  const backend = createBackend()
  const ids = await handedOffWorkflows(backend)
  const off = createEngineNode(backend, { instanceId: 'OFF', config: workflowsOff })

  await vi.advanceTimersByTimeAsync(4_500)
  for (const id of ids) expect((await off.provider.getState(id))!.status).toBe('waiting')

  // Past lease.durationMs + 2 heartbeats after it first saw them lapsed: nobody took them.
  await vi.advanceTimersByTimeAsync(2_000)
  for (const id of ids) {
    expect(await off.provider.getState(id)).toMatchObject({
      status: 'failed',
      error: { code: 'invalid-request', message: expect.stringMatching(/workflows are disabled \(workflows\.enabled\)/) },
    })
  }
  expect(off.engine.stats().runs).toBe(0)

  const disposing = off.engine.dispose()
  await vi.advanceTimersByTimeAsync(10_000)
  await disposing
})
