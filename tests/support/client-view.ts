/**
 * What a browser's client holds after a viewer's frames: a snapshot adopted as `useBackgroundJob`
 * adopts it (app/lib/job-state.ts `adoptSnapshot`: not one older than its state), each event applied
 * with the shared reducer. Unlike `RecordingSink.state()`, a snapshot the client would keep its own
 * state over is not taken.
 */
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { adoptSnapshot, applyLiveEvent } from '../../app/lib/job-state'
import type { ViewerFrame } from '../../server/lib/viewer'

/** The client's state after `frames`, from `start` (what it held before them). */
export function clientState(frames: readonly ViewerFrame[], start: JobState | null = null): JobState | null {
  let state = start
  for (const frame of frames) state = frame.event === 'snapshot' ? adoptSnapshot(state, frame.data as JobState) : applyLiveEvent(state, frame.data as JobEvent)
  return state
}
