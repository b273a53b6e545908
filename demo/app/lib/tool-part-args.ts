/**
 * The arguments an AI SDK tool part shows on the /ai-sdk page: those its approval asked with (the
 * approval's descriptor: the call's input after the tool's schema — defaults and transforms
 * applied, what the tool runs or would have run with), as the main chat shows them, in every state
 * that keeps the approval — asking, answered, denied (a Stop or failure while it waited, after a
 * reload too), ran; else the model's own input. The part's `input` is what goes back to the model.
 * Pure, so it is unit-tested.
 */

/** An AI SDK tool part as this reads it. */
interface ToolPartLike {
  input?: unknown
  approval?: { descriptor?: unknown }
}

/** What the call's line shows as its arguments. */
export function toolPartArgs(part: ToolPartLike): unknown {
  const descriptor = part.approval?.descriptor
  return descriptor && typeof descriptor === 'object' && 'args' in descriptor ? descriptor.args : part.input
}
