/**
 * A tool's progress over real HTTP, from an isolation worker of the production build (the fixture's
 * `fixture_progress`, forced isolated; the scripted model calls it when the prompt names it): a
 * viewer that joins while the tool runs finds its latest progress in the snapshot, and one that
 * resumes with Last-Event-ID from before the call gets every event since, no gap, no duplicate,
 * ending at the same latest progress.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import { parseEventId } from '../../shared/event-id'
import type { JobState } from '../../shared/reducer'
import { reduceEvents } from '../../shared/reducer'
import type { AppServer } from '../support/app-server'
import { startAppServer } from '../support/app-server'
import type { ReceivedFrame } from '../support/http-client'
import { createClient } from '../support/http-client'

let app: AppServer

beforeAll(async () => {
  app = await startAppServer({
    NUXT_BACKGROUND_JOBS_TOOLS_ISOLATED: 'fixture_progress',
    NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '2',
    // Longer than any test: a stream that only opens at its first heartbeat times the test out.
    NUXT_BACKGROUND_JOBS_STREAM_HEARTBEAT_MS: '600000',
  })
})

afterAll(async () => {
  await app?.stop()
})

const LATEST = { message: 'Fetched 2 of 2 pages', fraction: 1 }

/** The progress call as a state holds it. */
function progressCall(state: JobState) {
  return state.toolCalls.find(call => call.name === 'fixture_progress')
}

/** A frame's seq (its id, `<epoch>:<seq>` after a takeover). */
function seqOf(frame: ReceivedFrame): number {
  return parseEventId(frame.id)!.seq
}

describe('tool progress over the job stream', () => {
  it('a viewer joining mid-tool sees the latest progress; one resuming sees it with no gap or duplicate', async () => {
    const user = await createClient(app.url).init()
    const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'Please run fixture_progress' }] })
    expect(created.status).toBe(202)
    const first = await user.stream(created.body.streamUrl)
    const shown = await first.waitFor(frame => (frame.event === 'tool-progress' && frame.data.message === LATEST.message)
      || (frame.event === 'snapshot' && progressCall(frame.data)?.progress?.message === LATEST.message))

    // Joins now: its snapshot holds the tool's latest progress.
    const joined = await user.stream(created.body.streamUrl)
    const snapshot = await joined.waitFor(frame => frame.event === 'snapshot')
    expect(progressCall(snapshot.data)).toMatchObject({ status: 'running', progress: LATEST })
    expect(seqOf(snapshot)).toBeGreaterThanOrEqual(seqOf(shown))

    // Resumes from the first viewer's first frame: the missed events, each seq once, in order.
    const start = first.frames[0]!
    expect(start.event).toBe('snapshot')
    const resumed = await user.stream(created.body.streamUrl, { 'last-event-id': start.id! })
    if (seqOf(snapshot) > seqOf(start)) await resumed.waitFor(frame => seqOf(frame) >= seqOf(snapshot))
    const events = resumed.frames.filter(frame => seqOf(frame) <= seqOf(snapshot))
    expect(events.every(frame => frame.event !== 'snapshot')).toBe(true)
    let previous = seqOf(start)
    for (const frame of events) {
      expect(frame.data.fromSeq ?? seqOf(frame)).toBe(previous + 1)
      previous = seqOf(frame)
    }
    const rebuilt = reduceEvents(start.data as JobState, events.map(frame => frame.data as JobEvent))
    expect(progressCall(rebuilt)).toMatchObject({ status: 'running', progress: LATEST })

    // Stopped: the call is cut off and keeps its last progress (decision 43: show it while running only).
    expect((await user.post(`/api/jobs/${created.body.id}/abort`)).status).toBe(200)
    const end = await first.waitFor(frame => frame.event === 'job-end')
    expect(end.data.status).toBe('aborted')
    const final = await user.get(`/api/jobs/${created.body.id}`)
    expect(progressCall(final.body.state)).toMatchObject({ status: 'stopped' })
    expect(progressCall(final.body.state)!.progress).toMatchObject(LATEST)
    for (const stream of [first, joined, resumed]) stream.close()
  })
})
