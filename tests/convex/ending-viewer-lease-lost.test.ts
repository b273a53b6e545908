/**
 * A viewer that arrives while the owner's run is ending (its end numbered, the store unreachable
 * from the owner) is served from memory while the owner's lease surely holds. When the job is
 * taken over meanwhile (the lease lapsed in the store, another instance ended it) the owner's end
 * is refused once it reaches the store: the run is stopped and the viewer closed without that end,
 * so it reconnects and gets what the store says. Past the lease the owner vouches for nothing: a
 * new viewer asks the store.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { RETRY_BASE_DELAY_MS } from '../../server/lib/persist-queue'
import { outageWrap, partsChat } from '../support/provider-outage'
import { createRecordingSink } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const LEASE_MS = 3_000
const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: LEASE_MS, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }
const WHOLE = 'part 0 part 1 part 2 '

describe('a viewer of an ending run whose job is taken over', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('is served from memory while the lease holds, then closed without the refused end; reconnecting, it gets the stored end', async () => {
    const backend = createBackend()
    const switched = outageWrap()
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: partsChat(3), wrap: switched.wrap })
    const { outage } = switched
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(50)
    outage.down = true
    // A's runner returns at 300 ms: its end is numbered and cannot be stored.
    await vi.advanceTimersByTimeAsync(400)
    const late = createRecordingSink()
    const attachment = await a.engine.attachViewer('u1', job.id, late, null)
    expect(attachment.open).toBe(true)
    expect(late.frames).toEqual([expect.objectContaining({ event: 'snapshot', data: expect.objectContaining({ status: 'running', content: WHOLE }) })])
    expect(outage.calls.filter(call => call === 'get' || call === 'readEvents' || call === 'getState')).toEqual([])

    // Past what A can vouch for (its last accepted heartbeat + lease − one heartbeat): the store is asked.
    await vi.advanceTimersByTimeAsync(LEASE_MS)
    await expect(a.engine.attachViewer('u1', job.id, createRecordingSink(), null)).rejects.toBeInstanceOf(ProviderUnavailableError)
    // Meanwhile the lease lapsed in the store and B ended the job (recovery.chat: fail).
    await vi.advanceTimersByTimeAsync(1_500)
    expect((await b.provider.get(job.id))!.status).toBe('failed')
    expect(late.closed).toBe(false)

    // A reaches the store again: its end is refused, the run stopped, the viewer closed without an end.
    outage.down = false
    await vi.advanceTimersByTimeAsync(RETRY_BASE_DELAY_MS * 32)
    await a.engine.whenSettled(job.id)
    expect(late.closed).toBe(true)
    expect(late.frames.some(frame => frame.event === 'job-end')).toBe(false)
    expect(a.engine.stats()).toMatchObject({ runs: 0, viewers: 0, remoteFeeds: 0, jobTimers: 0 })

    // Reconnecting (to A, as a browser would): what the store says, B's end.
    const again = createRecordingSink()
    expect((await a.engine.attachViewer('u1', job.id, again, null)).open).toBe(false)
    expect(again.frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'failed', error: { code: 'owner-lost' } } })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
