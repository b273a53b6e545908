/**
 * The store read that follows a takeover's claim fails once (a store that blinked): the job's
 * lease is this instance's now, so no other scan lists it as lapsed. It used to wait for that new
 * lease to lapse too (one `lease.durationMs` more) before anyone took it again; the claimed job's
 * takeover is now tried again at the next scan (one heartbeat later), under the lease it holds.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { ProviderUnavailableError } from '../../server/lib/errors'
import type { JobProvider } from '../../server/lib/providers/types'
import { createBackend } from './backend'
import { askWorkflow, createEngineNode } from './engine-node'

const lease = { durationMs: 3_000, heartbeatMs: 1_000 }
const request = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }
/** A chat that writes nothing until it is stopped. */
const quiet: JobRunners['chat'] = context => new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))
const unavailable = (what: string) => new ProviderUnavailableError('convex', `Convex did not answer ${what} in time`, 5)

/** B's provider: the first `failures` reads of `read` after the first claim fail; records when each claim came back. */
function failsAfterClaim(read: 'getState' | 'readControls', claims: number[], failures = 1) {
  return (provider: JobProvider): JobProvider => {
    let armed = false
    let failed = 0
    return {
      ...provider,
      claimLease: async (id, instanceId, leaseMs) => {
        const claimed = await provider.claimLease!(id, instanceId, leaseMs)
        if (claimed) {
          claims.push(Date.now())
          if (claims.length === 1) armed = true
        }
        return claimed
      },
      [read]: async (id: string) => {
        if (armed) {
          armed = ++failed < failures
          throw unavailable(read)
        }
        return await (provider[read] as (id: string) => Promise<unknown>)(id)
      },
    }
  }
}

describe('a store read that fails right after a takeover\'s claim', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  for (const read of ['getState', 'readControls'] as const) {
    for (const chat of ['fail', 'continue'] as const) {
      it(`${read} failing: the claimed job is taken over at the next scan, not one lease later (recovery.chat = ${chat})`, async () => {
        const config = resolveConfig({ scripted: { enabled: true }, lease, recovery: { chat } })
        const backend = createBackend()
        const claims: number[] = []
        // A stuck owner: its heartbeats claim success but never reach the store, so B takes over.
        const a = createEngineNode(backend, { instanceId: 'A', config, chat: quiet, workflows: [askWorkflow], wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
        let resumedOnB = 0
        const b = createEngineNode(backend, { instanceId: 'B', config, chat: (context, chatRequest) => {
          resumedOnB++
          return quiet(context, chatRequest)
        }, workflows: [askWorkflow], wrap: failsAfterClaim(read, claims) })
        const { job } = await a.engine.createJob('u1', { request })
        for (let waited = 0; claims.length === 0 && waited < 10_000; waited += 100) await vi.advanceTimersByTimeAsync(100)
        expect(claims).toHaveLength(1)
        // One heartbeat (B's next scan) and a little.
        await vi.advanceTimersByTimeAsync(lease.heartbeatMs + 200)
        const state = (await b.provider.getState(job.id))!
        if (chat === 'fail') expect(state).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
        else expect({ status: state.status, resumedOnB }).toEqual({ status: 'running', resumedOnB: 1 })
        // Under the one lease B claimed: nobody had to claim it again.
        expect(claims).toHaveLength(1)

        const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
        await vi.advanceTimersByTimeAsync(10_000)
        await disposed
      })
    }
  }

  it('tries a few times only, then leaves the lease to lapse: a later claim takes the job over', async () => {
    const config = resolveConfig({ scripted: { enabled: true }, lease })
    const backend = createBackend()
    const claims: number[] = []
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: quiet, wrap: provider => ({ ...provider, heartbeatLease: async () => true }) })
    const b = createEngineNode(backend, { instanceId: 'B', config, chat: quiet, wrap: failsAfterClaim('getState', claims, 3) })
    const { job } = await a.engine.createJob('u1', { request })
    for (let waited = 0; claims.length === 0 && waited < 10_000; waited += 100) await vi.advanceTimersByTimeAsync(100)
    // The claim's read and two more tries (one per scan) fail; no fourth try under that lease.
    await vi.advanceTimersByTimeAsync(3 * lease.heartbeatMs)
    expect((await b.provider.getState(job.id))!.status).toBe('running')
    expect(claims).toHaveLength(1)
    // Its lease, no longer renewed, lapses; the next claim's read succeeds.
    await vi.advanceTimersByTimeAsync(lease.durationMs + lease.heartbeatMs)
    expect(claims).toHaveLength(2)
    expect(await b.provider.getState(job.id)).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })

    const disposed = Promise.all([a.engine.dispose(), b.engine.dispose()])
    await vi.advanceTimersByTimeAsync(10_000)
    await disposed
  })
})
