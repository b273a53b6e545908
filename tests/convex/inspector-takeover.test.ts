/**
 * The inspector (the DevTools tab's data) of a job this instance took over: its timeline is the
 * whole log — what the first owner stored, then this run's events — not only this run's part
 * presented as complete.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

describe('inspector of a resumed run', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('shows every event from seq 1, in order, with no gap', async () => {
    const backend = createBackend()
    const a = createEngineNode(backend, { instanceId: 'A', config })
    const b = createEngineNode(backend, { instanceId: 'B', config })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(100)
    await a.engine.dispose() // workflows are handed off at shutdown
    expect(await b.engine.recover()).toBe(1)
    await vi.advanceTimersByTimeAsync(100)

    const inspection = (await b.engine.inspector.get(job.id))!
    const stored = (await b.provider.readEvents(job.id, 0))!.events
    expect(inspection.job.running).toBe(true)
    expect(inspection.complete).toBe(true)
    expect(inspection.timeline[0]!.seq).toBe(1)
    const seqs = inspection.timeline.map(entry => entry.seq)
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, index) => index + 1))
    expect(seqs.at(-1)).toBe(inspection.job.lastSeq)
    expect(seqs.length).toBeGreaterThanOrEqual(stored.length)
    await b.engine.dispose()
  })
})
