/**
 * A pending delta larger than one stored event goes out as several deltas. Each must be whole
 * text (never half a surrogate pair) and fit the provider's limit as JSON — where a NUL or a
 * control character takes 6 bytes (`\u0000`), not the 1 to 3 of UTF-8 — so no piece is ever
 * stored shortened to a notice while viewers saw the text.
 */
import { describe, expect, it } from 'vitest'
import { createBatchClock } from '../../server/lib/batch-clock'
import { jsonByteLength } from '../../server/lib/bytes'
import { LiveJob } from '../../server/lib/live-job'
import type { PersistQueue } from '../../server/lib/persist-queue'
import { eventBytes } from '../../server/lib/persist-queue'
import type { JobEvent } from '../../shared/events'
import { createJobState } from '../../shared/reducer'
import { isWellFormedText } from '../../shared/lone-surrogate'

const MAX_EVENT_BYTES = 4_096

function liveJob() {
  const stored: JobEvent[] = []
  const persist: PersistQueue = {
    push: event => stored.push(event),
    flush: async () => 'stored',
    sizeOf: eventBytes,
    maxEventBytes: MAX_EVENT_BYTES,
    pendingCount: 0,
    writes: 0,
    refusal: null,
    closedWithoutLog: null,
    ownEndStored: null,
    droppedFrom: null,
    storeEnd: async () => 'stored',
    close: () => {},
  }
  const shortened: JobEvent[] = []
  const clock = createBatchClock()
  const job = new LiveJob({
    state: createJobState({ id: 'j1', type: 'chat', createdAt: 0 }),
    clock,
    persist,
    batchWindowMs: 0,
    now: () => 1,
    onShortened: event => shortened.push(event),
  })
  return { job, stored, shortened, dispose: () => clock.dispose() }
}

function deltaTexts(events: JobEvent[]): string[] {
  return events.flatMap(event => (event.type === 'text-delta' ? [event.text] : []))
}

describe('a large pending delta split into stored events', () => {
  it('never splits a surrogate pair', () => {
    const { job, stored, dispose } = liveJob()
    const text = '😀'.repeat(3_000)
    job.delta('text-delta', `a${text}`)
    const pieces = deltaTexts(stored)
    expect(pieces.length).toBeGreaterThan(1)
    for (const piece of pieces) expect(isWellFormedText(piece)).toBe(true)
    expect(pieces.join('')).toBe(`a${text}`)
    expect(job.state.content).toBe(`a${text}`)
    dispose()
  })

  it('fits every piece in the limit as JSON, even text of NUL and control characters', () => {
    const { job, stored, dispose } = liveJob()
    const text = '\u0000\u0001\u001F'.repeat(2_000)
    job.delta('text-delta', text)
    for (const event of stored) expect(jsonByteLength(event)).toBeLessThanOrEqual(MAX_EVENT_BYTES)
    expect(deltaTexts(stored).join('')).toBe(text)
    dispose()
  })
})
