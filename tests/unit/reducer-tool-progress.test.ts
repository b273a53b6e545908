/**
 * `tool-progress` in the shared reducer: the client's job state shows a call's latest progress on
 * the call (`toolCalls[].progress`, with the seq of its first update, `since`), kept once the call
 * has its outcome — a result, or the job's end or its node's cancellation cutting it off — as an AI
 * SDK message keeps its part (decision 43; before, it was dropped). Progress of an unknown call
 * or of a call that already ended changes nothing (it never follows the result, but a log from
 * elsewhere must not show it), and applying it twice is harmless.
 */
import { describe, expect, it } from 'vitest'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import { applyEvent, createJobState, reduceEvents } from '../../shared/reducer'

type Payload = JobEventPayload & { nodeId?: string }

function numbered(payloads: Payload[]): JobEvent[] {
  return payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 1_000 + index }) as JobEvent)
}

function reduce(payloads: Payload[], type: 'chat' | 'workflow' = 'chat') {
  return reduceEvents(createJobState({ id: 'j', type, createdAt: 0, status: 'running' }), numbered(payloads))
}

const call = { type: 'tool-call' as const, id: 'c1', name: 'crawl_site', args: {}, step: 1 }
const first = { type: 'tool-progress' as const, id: 'c1', message: 'Fetched 3 of 10 pages', fraction: 0.3 }
const second = { type: 'tool-progress' as const, id: 'c1', message: 'Fetched 4 of 10 pages' }
const result = { type: 'tool-result' as const, id: 'c1', status: 'completed' as const, result: { pages: 10 }, durationMs: 5 }

describe('reducer: tool progress', () => {
  it('shows the latest progress on the running call, with the fraction only when given', () => {
    expect(reduce([call, first]).toolCalls[0]!.progress).toEqual({ message: 'Fetched 3 of 10 pages', fraction: 0.3, at: 1_001, since: 2 })
    expect(reduce([call, first, second]).toolCalls[0]!.progress).toEqual({ message: 'Fetched 4 of 10 pages', at: 1_002, since: 2 })
  })

  it('keeps it with the result, and ignores progress of an ended or unknown call', () => {
    const ended = reduce([call, first, result, { ...second }, { type: 'tool-progress', id: 'nobody', message: 'x' }])
    expect(ended.toolCalls).toHaveLength(1)
    expect(ended.toolCalls[0]!.status).toBe('completed')
    expect(ended.toolCalls[0]!.progress).toEqual({ message: 'Fetched 3 of 10 pages', fraction: 0.3, at: 1_001, since: 2 })
    expect(ended.seq).toBe(5)
  })

  it('keeps it when the job ends or the node is cancelled with the call still running', () => {
    const aborted = reduce([call, first, { type: 'job-end', status: 'aborted', metrics: emptyMetrics() }])
    expect(aborted.toolCalls[0]).toMatchObject({ status: 'stopped' })
    expect(aborted.toolCalls[0]!.progress).toMatchObject({ message: 'Fetched 3 of 10 pages' })
    const skipped = reduce([
      { type: 'node-start', nodeId: 'fetch', kind: 'tool' },
      { ...call, nodeId: 'fetch' },
      { ...first, nodeId: 'fetch' },
      { type: 'node-end', nodeId: 'fetch', status: 'skipped', error: 'cancelled' },
    ], 'workflow')
    expect(skipped.toolCalls[0]).toMatchObject({ status: 'stopped' })
    expect(skipped.toolCalls[0]!.progress).toMatchObject({ message: 'Fetched 3 of 10 pages' })
  })

  it('is harmless applied twice, and never changes the state it was given', () => {
    const events = numbered([call, first])
    const state = reduceEvents(createJobState({ id: 'j', type: 'chat', createdAt: 0, status: 'running' }), events)
    expect(applyEvent(state, events[1]!)).toBe(state)
    const before = structuredClone(state)
    applyEvent(state, { ...second, seq: 3, at: 2_000 } as JobEvent)
    expect(state).toEqual(before)
  })
})
