/**
 * The RunContext one node runs with: the node's own signal (job abort + node timeout), events and
 * text tagged with the node's id, and a blank line between the text of one node and the next.
 * Nodes of a parallel fan-out hold their text until they finish: the job's content is one string,
 * and chunks of three agents interleaved in it would be unreadable. Held text is written when the
 * node ends, and at once when its signal fires (a stop keeps what each agent wrote so far).
 * Meanwhile the node's `state()` shows its held text as `content` and `reasoning`: what its next
 * model round follows (a new round starts a new paragraph after it). Each model round's held text
 * is stored with its `step-end` (`heldText`): a node a takeover cut off goes on from it (held-visit.ts).
 */
import { jsonByteLength } from '../bytes'
import type { RunContext, RunnerEventPayload } from '../run-context'
import { textEnd } from '../text-end'

/** A RunContext for one node. */
export interface NodeContext extends RunContext {
  /** Writes held text and reasoning to the job (no-op unless the text is held). */
  flushHeldText(): void
  /** The node's first text goes on with the job's text, with no paragraph break before it (an agent node continued after a takeover). */
  continueText(): void
  /**
   * A held node run again after a takeover: its text so far is `held` (its stored rounds'), and
   * `written` what of its end's write the job's content already has (stored before its `node-end`
   * was): the end writes only the rest.
   */
  continueHeldText(held: string, written?: WrittenText): void
}

/** What a held node's end wrote to the job's content before a takeover cut it off. */
export interface WrittenText {
  /** The content's last two characters before it. */
  before: string
  text: string
}

/** What a `step-end` may add for its held text (the rest of the event, its seq and time): past it the text is not stored. */
const STEP_END_ROOM_BYTES = 1_024

/** Options of a node context. */
export interface NodeContextOptions {
  nodeId: string
  signal: AbortSignal
  /** Hold text and reasoning until `flushHeldText` (parallel branches). @default false */
  holdText?: boolean
  /** Stops the node's time limit while one of its input requests waits; returns the restart. */
  pauseDeadline?: () => () => void
  /** The time the node has left before `limits.nodeTimeoutMs`: its model rounds wait no retry past it. */
  timeLeftMs?: () => number
}

/**
 * What to put before a node's first text so it starts a new paragraph of the job's content: the
 * line breaks a blank line still needs after those the content ends with and those the text
 * starts with (an agent's model round opens its text with a paragraph break of its own).
 */
function paragraphBreak(end: string, text: string): string {
  if (!end) return ''
  const trailing = end.endsWith('\n\n') ? 2 : end.endsWith('\n') ? 1 : 0
  const leading = text.startsWith('\n\n') ? 2 : text.startsWith('\n') ? 1 : 0
  return '\n'.repeat(Math.max(0, 2 - trailing - leading))
}

/** Wraps the job's context for one node. Methods are forwarded, never copied, so `this` stays right. */
export function createNodeContext(context: RunContext, options: NodeContextOptions): NodeContext {
  const { nodeId, holdText = false } = options
  let started = false
  let heldText = ''
  let heldReasoning = ''
  // Where the model round under way began in the held text, and what the job got of it before a takeover.
  let roundFrom = 0
  let written: WrittenText | undefined

  const writeText = (delta: string, tag: string) => {
    if (!delta) return
    const separator = started ? '' : paragraphBreak(textEnd(context, 'content'), delta)
    started = true
    context.text(separator + delta, tag)
  }

  const flushHeldText = () => {
    options.signal.removeEventListener('abort', flushHeldText)
    // A new paragraph of the job's reasoning, as its text gets (the rounds' breaks were judged on the held reasoning).
    if (heldReasoning) context.reasoning(paragraphBreak(textEnd(context, 'reasoning'), heldReasoning) + heldReasoning, nodeId)
    const whole = written && paragraphBreak(written.before, heldText) + heldText
    if (whole?.startsWith(written!.text)) {
      started = true
      if (whole.length > written!.text.length) context.text(whole.slice(written!.text.length), nodeId)
    }
    else writeText(heldText, nodeId)
    written = undefined
    heldText = ''
    heldReasoning = ''
  }
  // A job abort ends the job in the same call (run-manager.ts `abortRun`): held text written by
  // the node's catch a turn later would come after the end and be lost, so it goes in at the abort.
  if (holdText) options.signal.addEventListener('abort', flushHeldText, { once: true })

  return {
    jobId: context.jobId,
    userId: context.userId,
    threadId: context.threadId,
    signal: options.signal,
    config: context.config,
    // A retry wait the node's limit would cut short is not waited (model/upstream-request.ts).
    model: options.timeLeftMs ? context.model.withNodeTimeLeft?.(options.timeLeftMs) ?? context.model : context.model,
    tools: context.tools,
    ...(context.isolation ? { isolation: context.isolation } : {}),
    workflows: context.workflows,
    timers: context.timers,
    defaultModel: context.defaultModel,
    resumedFrom: context.resumedFrom,
    ...(context.maxEventBytes !== undefined ? { maxEventBytes: context.maxEventBytes } : {}),
    text(delta, tag) {
      if (holdText) heldText += delta
      else writeText(delta, tag ?? nodeId)
    },
    reasoning(delta, tag) {
      if (holdText) heldReasoning += delta
      else context.reasoning(delta, tag ?? nodeId)
    },
    emit: event => context.emit({ ...(holdText ? withHeldText(event) : event), nodeId: event.nodeId ?? nodeId }),
    // Merged in the batching window as the job's own (emit would write each one).
    toolProgress: event => context.toolProgress({ ...event, nodeId: event.nodeId ?? nodeId }),
    // Held: a round's paragraph break is judged on the node's own text so far (model-round.ts),
    // which the job's content does not have yet; judged on the job's, the rounds ran together.
    state: holdText ? () => ({ ...context.state(), content: heldText, reasoning: heldReasoning }) : () => context.state(),
    textEnd: holdText ? kind => (kind === 'content' ? heldText : heldReasoning).slice(-2) : kind => textEnd(context, kind),
    // A human's wait has its own expiry: it does not count against the node's time limit.
    async requestInput(request) {
      const resume = options.pauseDeadline?.() ?? (() => {})
      try {
        // Withdrawn when the node is cancelled (a sibling branch failed) or stopped, not left open.
        return await context.requestInput({ ...request, nodeId: request.nodeId ?? nodeId, signal: request.signal ?? options.signal })
      }
      finally {
        resume()
      }
    },
    prepareModelRequest: request => context.prepareModelRequest(request),
    ...(context.modelCalled ? { modelCalled: (model: string) => context.modelCalled!(model) } : {}),
    addMetrics: metrics => context.addMetrics(metrics),
    ...(context.afterEndStored ? { afterEndStored: (action: () => void) => context.afterEndStored!(action) } : {}),
    ...(context.afterStored ? { afterStored: (action: () => void) => context.afterStored!(action) } : {}),
    ...(context.toolFailed ? { toolFailed: (tool: string, log: () => void, error: unknown) => context.toolFailed!(tool, log, error) } : {}),
    ...(context.toolRefused ? { toolRefused: (tool: string, log: () => void, message: string) => context.toolRefused!(tool, log, message) } : {}),
    confirmLease: () => context.confirmLease?.() ?? null,
    flushHeldText,
    continueText: () => {
      started = true
    },
    continueHeldText: (held, writtenBefore) => {
      heldText = held
      written = writtenBefore
    },
  }

  /** A round's `step-end` with the text the round held, when it fits in a stored event. */
  function withHeldText<Event extends RunnerEventPayload>(event: Event): Event {
    if (event.type === 'step-start') roundFrom = heldText.length
    if (event.type !== 'step-end') return event
    const text = heldText.slice(roundFrom)
    const fits = context.maxEventBytes === undefined || jsonByteLength(text) + jsonByteLength(event) + STEP_END_ROOM_BYTES <= context.maxEventBytes
    return fits ? { ...event, heldText: text } : event
  }
}
