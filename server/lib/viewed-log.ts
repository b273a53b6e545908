/**
 * What viewers get of a job's log: all of it but the fields only the engine reads. A chat round's
 * OpenRouter `reasoningDetails` (opaque signatures and encrypted blocks, up to 256 KiB per tool
 * round, repeating the round's reasoning) and its calls' `toolCallExtras` (Gemini's thought
 * signatures) stay in the stored `step-end` and in the state the engine reduces from it, which
 * sends them back with the round's calls, also after a takeover (executor/reasoning-echo.ts);
 * stream frames, snapshots and `getJob` leave them out.
 */
import type { JobEvent } from '../../shared/events'
import type { JobState, StepState } from '../../shared/reducer'

/** The event as viewers get it (the same object when it has nothing to leave out). */
export function viewedEvent(event: JobEvent): JobEvent {
  if (event.type !== 'step-end' || (event.reasoningDetails === undefined && event.toolCallExtras === undefined)) return event
  const viewed = { ...event }
  delete viewed.reasoningDetails
  delete viewed.toolCallExtras
  return viewed
}

/** The state as viewers get it (the same object when it has nothing to leave out). */
export function viewedState(state: JobState): JobState {
  if (!state.steps.some(step => step.reasoningDetails !== undefined || step.toolCallExtras !== undefined)) return state
  return { ...state, steps: state.steps.map(viewedStep) }
}

function viewedStep(step: StepState): StepState {
  if (step.reasoningDetails === undefined && step.toolCallExtras === undefined) return step
  const viewed = { ...step }
  delete viewed.reasoningDetails
  delete viewed.toolCallExtras
  return viewed
}
