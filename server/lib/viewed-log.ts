/**
 * What viewers get of a job's log: all of it but the fields only the engine reads. A chat round's
 * OpenRouter `reasoningDetails` (opaque signatures and encrypted blocks, up to 256 KiB per tool
 * round, repeating the round's reasoning) and its calls' `toolCallExtras` (Gemini's thought
 * signatures) stay in the stored `step-end` and in the state the engine reduces from it, which
 * sends them back with the round's calls, also after a takeover (executor/reasoning-echo.ts);
 * stream frames, snapshots and `getJob` leave them out. So does a held agent node's round's
 * `heldText` (the text the job's content gets when the node ends: workflows/held-visit.ts).
 */
import type { JobEvent } from '../../shared/events'
import type { JobState, StepState } from '../../shared/reducer'

/** The `step-end` fields viewers never get. */
const ENGINE_ONLY = ['reasoningDetails', 'toolCallExtras', 'heldText'] as const

function hasEngineOnly(step: Partial<Record<typeof ENGINE_ONLY[number], unknown>>): boolean {
  return ENGINE_ONLY.some(field => step[field] !== undefined)
}

function withoutEngineOnly<T extends object>(step: T): T {
  const viewed = { ...step } as Partial<Record<typeof ENGINE_ONLY[number], unknown>>
  for (const field of ENGINE_ONLY) delete viewed[field]
  return viewed as T
}

/** The event as viewers get it (the same object when it has nothing to leave out). */
export function viewedEvent(event: JobEvent): JobEvent {
  if (event.type !== 'step-end' || !hasEngineOnly(event)) return event
  return withoutEngineOnly(event)
}

/** The state as viewers get it (the same object when it has nothing to leave out). */
export function viewedState(state: JobState): JobState {
  if (!state.steps.some(hasEngineOnly)) return state
  return { ...state, steps: state.steps.map(viewedStep) }
}

function viewedStep(step: StepState): StepState {
  return hasEngineOnly(step) ? withoutEngineOnly(step) : step
}
