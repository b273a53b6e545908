/**
 * A replay after `Last-Event-ID` sends only the tool progress a viewer still needs
 * (docs/tool-progress.md#what-viewers-get): of each call the first and the latest missed update,
 * an ended call's too (decision 43: the first places the call's AI SDK data part, the latest is what
 * it and the state hold; before, a call that had ended got none). Before that, every stored update
 * it missed came — up to four a second per call, thousands for a viewer away ten minutes. The client's state from the replay is the state from
 * every event, its last id is the log's end, and the frames stay gap-free: the one after progress
 * left out covers its seqs (`fromSeq`), as a merged delta does.
 */
import { describe, expect, it } from 'vitest'
import { formatEventId } from '../../shared/event-id'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import { emptyMetrics } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, deltaLeavesGap, reduceEvents } from '../../shared/reducer'
import { decodeStreamEvent, encodeEventData } from '../../shared/stream-wire'
import { applyLiveEvent } from '../../app/lib/job-state'
import type { HeldLog } from '../../server/lib/catch-up'
import { catchUpFrames } from '../../server/lib/catch-up'
import { mergeDeltas } from '../../server/lib/replay'
import type { ViewerFrame } from '../../server/lib/viewer'
import { eventFrame } from '../../server/lib/viewer'

const base = createJobState({ id: 'j', type: 'chat', createdAt: 0 })

/** A log: text, two calls reporting in turn (`updates` each), B's result, A reporting on, more text; ended with `end`. */
function progressLog(updates: number, end: boolean): HeldLog {
  const payloads: JobEventPayload[] = [
    { type: 'job-status', status: 'running' },
    { type: 'step-start', step: 1 },
    { type: 'text-delta', offset: 0, text: 'Crawling.' },
    { type: 'tool-call', id: 'A', name: 'crawl', args: {}, step: 1 },
    { type: 'tool-call', id: 'B', name: 'crawl', args: {}, step: 1 },
  ]
  for (let update = 1; update <= updates; update++) {
    payloads.push({ type: 'tool-progress', id: 'A', message: `A ${update}`, fraction: update / (2 * updates) })
    payloads.push({ type: 'tool-progress', id: 'B', message: `B ${update}` })
  }
  payloads.push({ type: 'tool-result', id: 'B', status: 'completed', result: {}, durationMs: 1 })
  for (let update = updates + 1; update <= 2 * updates; update++) payloads.push({ type: 'tool-progress', id: 'A', message: `A ${update}`, fraction: update / (2 * updates) })
  if (end) {
    payloads.push({ type: 'tool-result', id: 'A', status: 'completed', result: {}, durationMs: 1 })
    payloads.push({ type: 'text-delta', offset: 9, text: ' Done.' })
    payloads.push({ type: 'job-end', status: 'completed', metrics: emptyMetrics() })
  }
  const events = payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: 1_000 + index }) as JobEvent)
  return { events, complete: true, state: reduceEvents(base, events), baseState: base }
}

/** A client at `seq` of the log (its state then), given `frames` as the browser's follower reads them. */
function clientAfter(log: HeldLog, seq: number, frames: ViewerFrame[]): { state: JobState | null, gaps: number } {
  let state: JobState | null = reduceEvents(base, log.events.slice(0, seq))
  let gaps = 0
  for (const frame of frames) {
    const data: unknown = JSON.parse(JSON.stringify(encodeEventData(frame.event, frame.data)))
    const event = decodeStreamEvent(frame.event, formatEventId(frame.id, frame.epoch), data, 5_000)!
    if (deltaLeavesGap(state, event)) gaps++
    state = applyLiveEvent(state, event)
  }
  return { state, gaps }
}

/** Every event after `seq`, deltas merged: what a replay sent before. */
const fullReplay = (log: HeldLog, seq: number) => mergeDeltas(log.events.filter(event => event.seq > seq)).map(eventFrame)

/** Each frame starts right after the one before (`fromSeq`, else its id): no gap, no overlap. */
function expectGapFree(frames: ViewerFrame[], after: number) {
  let previous = after
  for (const frame of frames) {
    expect((frame.data as JobEvent).fromSeq ?? frame.id, `frame ${frame.id} after ${previous}`).toBe(previous + 1)
    previous = frame.id
  }
}

const progressFrames = (frames: ViewerFrame[], id: string) => frames.filter(frame => frame.event === 'tool-progress' && (frame.data as { id: string }).id === id)

describe('tool progress in a replay', () => {
  it('sends two progress events per call, however many were missed: its first and its latest (an ended call\'s too)', () => {
    const log = progressLog(1_200, false)
    const frames = catchUpFrames(log, { epoch: 1, seq: 5 })
    // Before: all 3,600 missed updates; then the latest of A only.
    expect(progressFrames(frames, 'A').map(frame => (frame.data as { message: string }).message)).toEqual(['A 1', 'A 2400'])
    expect(progressFrames(frames, 'B').map(frame => (frame.data as { message: string }).message)).toEqual(['B 1', 'B 1200'])
    expect(frames.map(frame => frame.event)).toEqual(['tool-progress', 'tool-progress', 'tool-progress', 'tool-result', 'tool-progress'])
    expectGapFree(frames, 5)
    // The last id is the log's end: a later resume starts there, nothing is sent again.
    expect(frames.at(-1)!.id).toBe(log.state.seq)
    expect(catchUpFrames(log, { epoch: 1, seq: frames.at(-1)!.id })).toEqual([])
  })

  it('leaves the client with the state every event gives, from any position, running or ended', () => {
    for (const end of [false, true]) {
      const log = progressLog(6, end)
      for (let seq = 0; seq < log.state.seq; seq++) {
        const frames = catchUpFrames(log, { epoch: 1, seq })
        const replayed = clientAfter(log, seq, frames)
        const full = clientAfter(log, seq, fullReplay(log, seq))
        expect(replayed.gaps, `after ${seq}`).toBe(0)
        expectGapFree(frames, seq)
        expect(replayed.state, `after ${seq}`).toEqual(full.state)
        expect(replayed.state!.seq).toBe(log.state.seq)
        expect(frames.at(-1)!.id).toBe(log.state.seq)
        // At most the first and the latest of each call.
        expect(progressFrames(frames, 'A').length).toBeLessThanOrEqual(2)
        expect(progressFrames(frames, 'B').length).toBeLessThanOrEqual(2)
      }
    }
  })

  it('merges the text around the progress it leaves out', () => {
    const events = [
      { type: 'tool-call', id: 'A', name: 'crawl', args: {}, step: 1, seq: 1, at: 1 },
      { type: 'tool-progress', id: 'A', message: '1', seq: 2, at: 2 },
      { type: 'text-delta', offset: 0, text: 'ab', nodeId: 'write', seq: 3, at: 3 },
      { type: 'tool-progress', id: 'A', message: '2', seq: 4, at: 4 },
      { type: 'tool-progress', id: 'A', message: '3', seq: 5, at: 5 },
      { type: 'text-delta', offset: 2, text: 'cd', nodeId: 'write', seq: 6, at: 6 },
      { type: 'tool-progress', id: 'A', message: '4', seq: 7, at: 7 },
      { type: 'tool-result', id: 'A', status: 'completed', result: {}, durationMs: 1, seq: 8, at: 8 },
    ] as JobEvent[]
    const log: HeldLog = { events, complete: true, state: reduceEvents(base, events), baseState: base }
    const frames = catchUpFrames(log, { epoch: 1, seq: 1 })
    // Before: progress, text, progress, progress, text, progress, result.
    expect(frames.map(frame => [frame.event, frame.id])).toEqual([['tool-progress', 2], ['text-delta', 6], ['tool-progress', 7], ['tool-result', 8]])
    expect(frames[1]!.data).toMatchObject({ text: 'abcd', fromSeq: 3 })
    expect(clientAfter(log, 1, frames).state).toEqual(clientAfter(log, 1, fullReplay(log, 1)).state)
  })

  it('keeps the last missed event even when it is progress that changes nothing (the id must reach the end)', () => {
    const events = [
      { type: 'tool-call', id: 'A', name: 'crawl', args: {}, step: 1, seq: 1, at: 1 },
      { type: 'tool-result', id: 'A', status: 'completed', result: {}, durationMs: 1, seq: 2, at: 2 },
      { type: 'tool-progress', id: 'A', message: 'late', seq: 3, at: 3 },
    ] as JobEvent[]
    const log: HeldLog = { events, complete: true, state: reduceEvents(base, events), baseState: base }
    expect(catchUpFrames(log, { epoch: 1, seq: 1 }).map(frame => frame.id)).toEqual([2, 3])
    expectGapFree(catchUpFrames(log, { epoch: 1, seq: 1 }), 1)
  })
})
