/**
 * Builds UI message chunks while keeping what the protocol needs between them: the open text and
 * reasoning parts (a delta needs its `*-start`, a part ends before anything else starts) and the
 * open step. Used by the event mapper and by the snapshot diff.
 */
import type { JobError, TerminalStatus } from '../../../shared/events'
import type { JobState, PendingInput, ToolCallOutcomeStatus } from '../../../shared/reducer'
import { parseApprovalAnswer } from '../executor/tool-approval'
import type { UiChunk, UiFinishReason } from './ui-chunks'

/** The parts that arrive as deltas. */
type StreamedPart = 'text' | 'reasoning'

/**
 * Line breaks a part would start with: the job's text puts a paragraph break between two rounds
 * (model-round.ts), which in a UI message is a new part of its own — as `streamText` sends it, a
 * part does not start with blank lines (a UI that keeps white space would show them).
 */
const PART_LEADING_LINE_BREAKS = /^(?:\r?\n)+/

/** A chunk writer for one response. */
export class ChunkWriter {
  private readonly chunks: UiChunk[] = []
  /** The id of the open text and reasoning part, if any. */
  private readonly open: Record<StreamedPart, string | null> = { text: null, reasoning: null }
  private stepOpen = false
  /**
   * The job as the client has it while the current frame is written (the mapper sets it): a
   * `finish-step` written then is that round's end, for its message metadata (`roundEndOf`).
   */
  position: JobState | null = null
  /** The client's state at each `finish-step` written (message-metadata.ts `withStepMetadata`). */
  private readonly roundEnds = new WeakMap<UiChunk, JobState>()

  /** The job as the client had it when this `finish-step` chunk ended its round (undefined: another chunk). */
  roundEndOf(chunk: UiChunk): JobState | undefined {
    return this.roundEnds.get(chunk)
  }

  /** Appends text to the open text part, opening one named `id` when none is. */
  text(id: string, delta: string): void {
    this.append('text', id, delta)
  }

  /** Appends reasoning to the open reasoning part, opening one named `id` when none is. */
  reasoning(id: string, delta: string): void {
    this.append('reasoning', id, delta)
  }

  /** Ends the open text and reasoning parts (before a tool, a step boundary or the end). */
  closeParts(): void {
    this.endPart('text')
    this.endPart('reasoning')
  }

  /**
   * Takes back every part the client got since the round's `start-step` (taken-back-chunks.ts):
   * nothing is open after it, so the next text or reasoning starts a part of its own.
   */
  resetStep(): void {
    this.open.text = null
    this.open.reasoning = null
    this.chunks.push({ type: 'reset-step' })
  }

  /** A model round starts: the previous step ends first. */
  startStep(): void {
    this.closeParts()
    this.finishStep()
    this.chunks.push({ type: 'start-step' })
    this.stepOpen = true
  }

  /** Ends the open step, if any. */
  private finishStep(): void {
    if (!this.stepOpen) return
    const chunk: UiChunk = { type: 'finish-step' }
    if (this.position) this.roundEnds.set(chunk, this.position)
    this.chunks.push(chunk)
    this.stepOpen = false
  }

  /** A tool call with its input. */
  toolCall(toolCallId: string, toolName: string, input: unknown): void {
    this.closeParts()
    this.chunks.push({ type: 'tool-input-available', toolCallId, toolName, input })
  }

  /**
   * A running call's progress: a `data-tool-progress` part whose id is the call's, so the SDK
   * replaces the call's earlier one in place (it stays in the message after the call ended: show it
   * while the tool part is `input-available`).
   */
  toolProgress(toolCallId: string, progress: { message: string, fraction?: number }): void {
    const data = { toolCallId, message: progress.message, ...(typeof progress.fraction === 'number' ? { fraction: progress.fraction } : {}) }
    this.chunks.push({ type: 'data-tool-progress', id: toolCallId, data })
  }

  /** A tool call's outcome (`stopped`, a call the job's abort cut off, is an error to the SDK: `job aborted`). */
  toolOutcome(toolCallId: string, status: ToolCallOutcomeStatus, result: unknown, error: string | undefined): void {
    if (status === 'completed') this.chunks.push({ type: 'tool-output-available', toolCallId, output: result ?? null })
    else if (status === 'denied') this.chunks.push({ type: 'tool-output-denied', toolCallId })
    else this.chunks.push({ type: 'tool-output-error', toolCallId, errorText: error || `tool ${status}` })
  }

  /**
   * A tool approval request (the SDK's approval id is our input request id), with the arguments
   * it asks about as its descriptor (ui-chunks.ts `UiApprovalDescriptor`).
   */
  approvalRequest(input: Pick<PendingInput, 'requestId' | 'toolCallId' | 'args'>): void {
    this.closeParts()
    this.chunks.push({ type: 'tool-approval-request', approvalId: input.requestId, toolCallId: input.toolCallId!, ...(input.args !== undefined ? { approvalDescriptor: { args: input.args } } : {}) })
  }

  /** The answer to a tool approval request. */
  approvalResponse(requestId: string, answer: unknown): void {
    const decision = approvalDecision(answer)
    this.chunks.push({ type: 'tool-approval-response', approvalId: requestId, approved: decision.approved, ...(decision.reason ? { reason: decision.reason } : {}) })
  }

  /** A tool approval nobody answered, denied by the job's end (snapshot-chunks.ts `writeOutcome`). */
  approvalDenied(requestId: string, reason: string): void {
    this.chunks.push({ type: 'tool-approval-response', approvalId: requestId, approved: false, reason })
  }

  /** The end of this response: the job ended, or it waits for approvals (`tool-calls`). */
  finish(reason: UiFinishReason): void {
    this.closeParts()
    this.finishStep()
    this.chunks.push({ type: 'finish', finishReason: reason })
  }

  /** The job's end: finish, an error chunk (failed, the SDK shows it) or an abort chunk. */
  end(status: TerminalStatus, error: JobError | null | undefined, lastFinishReason: UiFinishReason): void {
    if (status === 'aborted') {
      this.closeParts()
      this.chunks.push({ type: 'abort', ...(error?.message ? { reason: error.message } : {}) })
      return
    }
    if (status === 'failed') {
      this.closeParts()
      this.chunks.push({ type: 'error', errorText: error?.message ?? 'The job failed' })
      this.finish('error')
      return
    }
    this.finish(lastFinishReason)
  }

  /** Takes the chunks written so far. */
  take(): UiChunk[] {
    return this.chunks.splice(0)
  }

  private append(kind: StreamedPart, id: string, given: string) {
    const delta = this.open[kind] ? given : given.replace(PART_LEADING_LINE_BREAKS, '')
    if (!delta) return
    // Text and reasoning never interleave inside a part: the other one ends first.
    this.endPart(kind === 'text' ? 'reasoning' : 'text')
    const openId = this.open[kind] ?? id
    if (!this.open[kind]) {
      this.open[kind] = id
      this.chunks.push({ type: `${kind}-start`, id } as UiChunk)
    }
    this.chunks.push({ type: `${kind}-delta`, id: openId, delta } as UiChunk)
  }

  private endPart(kind: StreamedPart) {
    const id = this.open[kind]
    if (!id) return
    this.chunks.push({ type: `${kind}-end`, id } as UiChunk)
    this.open[kind] = null
  }
}

/** An approval answer as recorded (the validated decision, or `approve`/`deny` on timeout). */
export function approvalDecision(answer: unknown): { approved: boolean, reason?: string } {
  try {
    return parseApprovalAnswer(answer)
  }
  catch {
    return { approved: false }
  }
}
