/**
 * A chat job whose owner was lost is ended by the instance that takes it over (`recovery.chat`
 * `fail`, the default): its only event of the new lease epoch is the `job-end`. A tab that saw
 * text the lost owner streamed but never stored resumes past the stored log; its catch-up (on any
 * instance: the end is read from the store) must replace that text and end the job, as one that
 * watched the store from the start sees it.
 */
import { describe, expect, it } from 'vitest'
import { formatEventId } from '../../shared/event-id'
import type { JobEvent, JobEventPayload } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import { decodeStreamEvent } from '../../shared/stream-wire'
import type { HeldLog } from '../../server/lib/catch-up'
import { catchUpFrames } from '../../server/lib/catch-up'
import { failedJobEnd } from '../../server/lib/failed-end'
import { formatFrame } from '../../server/lib/http/sse-sink'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'

const base = createJobState({ id: 'j', type: 'chat', createdAt: 0 })

function numbered(payloads: JobEventPayload[]): JobEvent[] {
  return payloads.map((payload, index) => ({ ...payload, seq: index + 1, at: index + 1 }) as JobEvent)
}

/** What the lost owner streamed: seqs 1–4 stored, 5–6 ("lost text") streamed but never stored. */
const streamed = numbered([
  { type: 'job-status', status: 'running' },
  { type: 'step-start', step: 1 },
  { type: 'text-delta', offset: 0, text: 'Hello ' },
  { type: 'text-delta', offset: 6, text: 'world' },
  { type: 'text-delta', offset: 11, text: ', lost' },
  { type: 'text-delta', offset: 17, text: ' text' },
])
const storedByLostOwner = streamed.slice(0, 4)
const recoveredEnd = failedJobEnd(5, 100, { code: 'owner-lost', message: 'The server running this job stopped; the text so far is kept', failedDuring: 'engine' }, 2)

/** The stored log as any instance reads it once the job has ended (viewer-hub.ts `storedLog`). */
function storedLog(): HeldLog {
  const events = [...storedByLostOwner, recoveredEnd]
  return { events, complete: true, state: reduceEvents(base, events), baseState: base }
}

/** A tab's state after the catch-up frames, as they go over the wire and the client applies them. */
function resume(tab: JobState, frames: ReturnType<typeof catchUpFrames>): JobState {
  let state: JobState | null = tab
  for (const frame of frames) {
    const text = formatFrame(frame.event, formatEventId(frame.id, frame.epoch), frame.data)
    const id = /^id: (.*)$/m.exec(text)![1]!
    const data = JSON.parse(/^data: (.*)$/m.exec(text)![1]!) as unknown
    if (frame.event === 'snapshot') state = adoptSnapshot(state, data as JobState)
    else state = applyLiveEvent(state, decodeStreamEvent(frame.event, id, data, 0)!)
  }
  return state!
}

describe('catch-up of a job ended by the instance that took it over', () => {
  it('brings a tab at any position of the lost owner to the stored end', () => {
    const log = storedLog()
    const final = log.state
    expect(final).toMatchObject({ status: 'failed', content: 'Hello world', epoch: 2 })
    for (let seq = 0; seq <= streamed.length; seq++) {
      const tab = reduceEvents(base, streamed.slice(0, seq))
      const state = resume(tab, catchUpFrames(log, { epoch: 1, seq }))
      expect({ seq, status: state.status, content: state.content, epoch: state.epoch }).toEqual({ seq, status: 'failed', content: 'Hello world', epoch: 2 })
    }
  })
})
