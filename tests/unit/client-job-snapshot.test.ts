/**
 * Where a client resumes a job: which snapshot it adopts (seq and epoch), the default probe
 * (GET /api/jobs/:id) and the stream URL after a seq.
 */
import { describe, expect, it } from 'vitest'
import { createFetchProbe, JobAccessDeniedError } from '../../app/lib/job-probe'
import { streamUrlAfter } from '../../app/lib/job-stream'
import { adoptSnapshot } from '../../app/lib/job-state'
import { snapshot } from '../support/job-stream-harness'

describe('adoptSnapshot / streamUrlAfter', () => {
  it('keeps a newer state over an older snapshot and takes a newer snapshot', () => {
    const newer = snapshot(9, 'newer')
    expect(adoptSnapshot(newer, snapshot(3, 'old'))).toBe(newer)
    const fresh = snapshot(12, 'fresh')
    expect(adoptSnapshot(newer, fresh)).toBe(fresh)
  })

  it('probes GET /api/jobs/:id by default: the state, null on 404, refused on 401/403, an error otherwise, each with a time limit', async () => {
    const answers = [new Response(JSON.stringify({ state: snapshot(2, 'ab') }), { status: 200 }), new Response('{}', { status: 404 }), new Response('{}', { status: 502 }), new Response('{}', { status: 401 })]
    const requested: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = (async (url: string, init?: RequestInit) => {
      requested.push(url)
      expect(init?.signal).toBeInstanceOf(AbortSignal)
      return answers.shift()!
    }) as typeof fetch
    try {
      const probe = createFetchProbe('/api/jobs/j1/stream?after=3')
      expect((await probe())!.content).toBe('ab')
      expect(await probe()).toBeNull()
      await expect(probe()).rejects.toThrow('502')
      await expect(probe()).rejects.toBeInstanceOf(JobAccessDeniedError)
      expect(requested).toEqual(['/api/jobs/j1', '/api/jobs/j1', '/api/jobs/j1', '/api/jobs/j1'])
    }
    finally {
      globalThis.fetch = realFetch
    }
  })

  it('takes a snapshot of a later epoch even at a lower seq, never one of an earlier epoch', () => {
    const stale = snapshot(9, 'text the lost owner never stored')
    const takenOver = { ...snapshot(7, 'stored'), epoch: 2 }
    expect(adoptSnapshot(stale, takenOver)).toBe(takenOver)
    expect(adoptSnapshot(takenOver, snapshot(9, 'late GET from before'))).toBe(takenOver)
  })

  it('adds after= only when there is a seq, with the epoch after a takeover', () => {
    expect(streamUrlAfter('/s', 0)).toBe('/s')
    expect(streamUrlAfter('/s', 7)).toBe('/s?after=7')
    expect(streamUrlAfter('/s?x=1', 7)).toBe('/s?x=1&after=7')
    expect(streamUrlAfter('/s', { epoch: 1, seq: 7 })).toBe('/s?after=7')
    expect(streamUrlAfter('/s', { epoch: 3, seq: 7 })).toBe('/s?after=3%3A7')
  })
})
