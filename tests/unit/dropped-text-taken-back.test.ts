/**
 * Text a viewer was streamed and the store then refused for good (decision 42; a write given up
 * behind a decided end, 45) is taken back before the viewer is told the end: every live viewer ends
 * on the stored state, as a viewer that reconnects gets it, and the ids stay fit for
 * `Last-Event-ID` (decision 54). Before, the live viewers kept the refused text, while a reconnect
 * showed the shorter stored answer — and the end stored alone took a seq a viewer had with refused
 * text: reconnecting with that id, it was told it was up to date.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import type { ViewerFrame } from '../../server/lib/viewer'
import type { JobRunners } from '../../server/lib/engine-types'
import { chatRequest, createRecordingSink, createTestEngine } from '../support/engine-harness'
import { helloThenBadText, holdsBadText, refusingAppends } from '../support/refusing-appends'
import { clientState } from '../support/client-view'
import { notificationSink } from '../support/notification-sink'
import type { JobNotification } from '../../server/lib/notifications'

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** The frames' ids and the seqs each covers: each must start right after the one before. */
function covered(frames: readonly ViewerFrame[]) {
  return frames.map(frame => frame.event === 'snapshot' ? { from: 0, to: frame.id } : { from: (frame.data as JobEvent).fromSeq ?? frame.id, to: frame.id })
}

const wait = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
/**
 * Runs a job whose store refuses a delta, with a viewer and the user's notifications from the start;
 * resolves once it settled, with what the app's `jobEnded` hook was given.
 */
async function runRefused(runners: JobRunners) {
  const ended: JobState[] = []
  const { engine, provider } = createTestEngine({ wrap: refusingAppends(holdsBadText), runners, hooks: { jobEnded: (_job, state) => void ended.push(state) } })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  const live = createRecordingSink()
  await engine.attachViewer('u1', job.id, live, null)
  const notes: JobNotification[] = []
  const detach = engine.attachNotifications('u1', notificationSink(notes), null)
  await vi.advanceTimersByTimeAsync(1_000)
  await engine.whenSettled(job.id)
  detach()
  const stored = (await provider.getState(job.id))!
  return { engine, provider, job, live, stored, ended, notes }
}

describe('text the store refused, streamed to a live viewer', () => {
  it('is taken back before the end: the live viewer ends on the stored state, as a new viewer gets it', async () => {
    const { engine, job, live, stored, ended, notes } = await runRefused(helloThenBadText)
    expect(stored).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
    // The viewer was streamed the refused text…
    expect(live.frames.some(frame => frame.event === 'text-delta' && JSON.stringify(frame.data).includes('bad'))).toBe(true)
    // …and ends on what the store holds: the same text, status and position.
    const seen = clientState(live.frames)!
    expect({ content: seen.content, status: seen.status, seq: seen.seq }).toEqual({ content: 'Hello ', status: 'failed', seq: stored.seq })
    // The end is still the last frame, once.
    expect(live.frames.at(-1)?.event).toBe('job-end')
    expect(live.frames.filter(frame => frame.event === 'job-end')).toHaveLength(1)
    expect(live.closed).toBe(true)
    // A viewer joining now gets the same.
    const fresh = createRecordingSink()
    await engine.attachViewer('u1', job.id, fresh, null)
    expect(clientState(fresh.frames)).toMatchObject({ content: 'Hello ', status: 'failed', seq: stored.seq })
    // The app's hook is given the stored state; the user's list and notification say the stored end.
    expect(ended.map(state => [state.content, state.seq])).toEqual([['Hello ', stored.seq]])
    expect((await engine.listJobs('u1')).find(listed => listed.id === job.id)).toMatchObject({ status: 'failed', lastSeq: stored.seq })
    expect(notes.filter(note => note.type === 'job-end')).toEqual([expect.objectContaining({ jobId: job.id, status: 'failed' })])
    await engine.dispose()
  })

  it('an end decided before (completed) behind the refused write: taken back all the same', async () => {
    const { engine, live, stored } = await runRefused({
      async chat(context) {
        context.text('Hello ')
        await wait(200)
        // In flight as the runner returns: the `completed` end waits behind it.
        context.text('bad text')
      },
    })
    expect(stored).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
    expect(clientState(live.frames)).toMatchObject({ content: 'Hello ', status: 'failed', seq: stored.seq })
    await engine.dispose()
  })

  it('a reconnect with any id the live viewer had gets the stored state: no gap, no duplicate', async () => {
    const { engine, job, live, stored } = await runRefused(helloThenBadText)
    // Every position the viewer was at (after each frame it got), among them the refused delta's.
    expect(live.frames.some(frame => frame.event === 'text-delta' && JSON.stringify(frame.data).includes('bad'))).toBe(true)
    for (let index = 0; index < live.frames.length; index++) {
      const at = live.frames[index]!.id
      const before = clientState(live.frames.slice(0, index + 1))!
      const sink = createRecordingSink()
      const attachment = await engine.attachViewer('u1', job.id, sink, { epoch: 1, seq: at })
      const after = clientState(sink.frames, before)!
      expect({ at, content: after.content, status: after.status, seq: after.seq }).toEqual({ at, content: stored.content, status: 'failed', seq: stored.seq })
      // Frames follow the position without a gap: events from right after it, or a snapshot first.
      const spans = covered(sink.frames)
      if (spans.length > 0 && sink.frames[0]!.event !== 'snapshot') expect(spans[0]!.from).toBe(at + 1)
      for (let index = 1; index < spans.length; index++) expect(spans[index]!.from).toBe(spans[index - 1]!.to + 1)
      // The viewer that had the end has everything.
      expect(attachment.upToDate).toBe(at === stored.seq)
    }
    await engine.dispose()
  })
})
