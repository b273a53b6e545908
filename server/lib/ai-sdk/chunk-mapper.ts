/**
 * Maps a job's viewer frames to the AI SDK's UI message stream: one assistant message per job
 * (its id is the job id), text and reasoning parts with ids taken from the seq that opened them
 * (the same on a replay and live; after tool progress a replay left out, the first seq it covers:
 * replayed-progress.ts — the SDK matches a part's id within one stream only), model rounds as steps, tool calls as tool parts with their
 * outputs, a running call's progress as a `data-tool-progress` part, tool approvals as the SDK's
 * approval requests.
 *
 * The mapper keeps the state the client has been brought to (`known`, reduced with the shared
 * reducer), so a text delta the client already has is skipped by its offset, and a snapshot (sent
 * instead of events when the log is not held, or to resync a slow client) becomes only what the
 * client lacks. A response ends with the job, or once the job waits for tool approvals or client
 * tool outputs and nothing else runs: the SDK answers them with a new request (see chat-request.ts).
 */
import type { JobError, JobEvent } from '../../../shared/events'
import { isTerminalStatus } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import { applyEvent } from '../../../shared/reducer'
import type { ViewerFrame } from '../viewer'
import { ChunkWriter } from './chunk-writer'
import { writeCutOffCalls, writeSnapshotDiff } from './snapshot-chunks'
import { NOT_ALL_TAKEN_BACK, takesBack, writeTakenBack } from './taken-back-chunks'
import type { UiChunk } from './ui-chunks'
import { toUiFinishReason } from './ui-chunks'

/** Options of a mapper. */
export interface UiChunkMapperOptions {
  /** The assistant message id: the job id. */
  messageId: string
  /** What the client has already (an empty state, or the state a continuation starts from). */
  known: JobState
}

/**
 * True when the job waits for tool approvals or client tool outputs (a `runtime: 'client'` call,
 * `input-available` in the SDK: its `onToolCall` runs) and nothing else is running: the client
 * must answer, with a new request.
 */
export function awaitsApproval(state: JobState): boolean {
  if (state.status !== 'waiting') return false
  const asked = state.pendingInputs.filter(input => (input.kind === 'tool-approval' || input.kind === 'tool-output') && input.toolCallId)
  if (asked.length === 0) return false
  // A call waiting for the browser's output stays `running` in the state (shared/reducer.ts).
  const forBrowser = new Set(asked.filter(input => input.kind === 'tool-output').map(input => input.toolCallId))
  return !state.toolCalls.some(call => call.status === 'running' && !forBrowser.has(call.id))
}

/** Creates a mapper for one response. */
export function createUiChunkMapper(options: UiChunkMapperOptions) {
  let known = options.known
  let done = false
  /** False once the client keeps text a snapshot took back that no chunk could (taken-back-chunks.ts). */
  let allTakenBack = true
  const writer = new ChunkWriter()

  /** The job's error as the end's chunk says it: with what the client keeps of text not stored, if any. */
  function endError(error: JobError | null | undefined): JobError | null | undefined {
    return allTakenBack || !error ? error : { ...error, message: `${error.message} ${NOT_ALL_TAKEN_BACK}` }
  }

  function writeEvent(event: JobEvent) {
    switch (event.type) {
      case 'text-delta': {
        const have = known.content.length
        if (event.offset + event.text.length <= have) return
        writer.text(`text-${event.fromSeq ?? event.seq}`, event.text.slice(Math.max(0, have - event.offset)))
        return
      }
      case 'reasoning-delta': {
        const have = known.reasoning.length
        if (event.offset + event.text.length <= have) return
        writer.reasoning(`reasoning-${event.fromSeq ?? event.seq}`, event.text.slice(Math.max(0, have - event.offset)))
        return
      }
      case 'step-start':
        writer.startStep()
        return
      case 'step-end':
        writer.closeParts()
        return
      case 'tool-call':
        writer.toolCall(event.id, event.name, event.args)
        return
      case 'tool-result':
        if (known.toolCalls.some(call => call.id === event.id)) writer.toolOutcome(event.id, event.status, event.result, event.error)
        return
      case 'tool-progress':
        if (known.toolCalls.some(call => call.id === event.id && call.status === 'running')) writer.toolProgress(event.id, event)
        return
      case 'input-request':
        if (event.kind === 'tool-approval' && event.toolCallId && known.toolCalls.some(call => call.id === event.toolCallId)) writer.approvalRequest(event)
        return
      case 'input-response':
        if (known.pendingInputs.some(input => input.requestId === event.requestId && input.kind === 'tool-approval' && input.toolCallId)) {
          writer.approvalResponse(event.requestId, event.answer)
        }
        return
      case 'job-end':
        writeCutOffCalls(writer, known, applyEvent(known, event))
        writer.end(event.status, endError(event.error), lastFinishReason(known))
        done = true
        return
      default:
        // job-status and workflow node events have no UI chunk.
    }
  }

  return {
    /** The first chunk of a response. */
    start(): UiChunk[] {
      return [{ type: 'start', messageId: options.messageId }]
    },
    /** The chunks that bring the client from what it has to this frame. */
    frame(frame: ViewerFrame): UiChunk[] {
      if (done) return []
      // A round a step-start or the end closes ended with the state before them.
      writer.position = known
      if (frame.event === 'snapshot') {
        const snapshot = frame.data as JobState
        if (snapshot.seq < known.seq) return []
        // Text the client has and the store never took (a snapshot at the client's seq with less):
        // taken back as far as the protocol can (taken-back-chunks.ts).
        if (takesBack(known, snapshot)) allTakenBack = writeTakenBack(writer, known, snapshot) && allTakenBack
        else if (snapshot.seq === known.seq) return []
        else writeSnapshotDiff(writer, known, snapshot)
        known = snapshot
        writer.position = known
        if (isTerminalStatus(snapshot.status)) {
          writer.end(snapshot.status, endError(snapshot.error), lastFinishReason(snapshot))
          done = true
        }
      }
      else {
        const event = frame.data as JobEvent
        if (event.seq <= known.seq) return []
        writeEvent(event)
        known = applyEvent(known, event)
      }
      return writer.take()
    },
    /**
     * Ends the response when the job, as the client now has it, waits for tool approvals and
     * nothing else runs (null otherwise). Call it once a batch of frames is through, never in
     * the middle of a replay: a replayed job passes through past approvals.
     */
    endIfAwaitingApproval(): UiChunk[] | null {
      if (done || !awaitsApproval(known)) return null
      writer.position = known
      writer.finish('tool-calls')
      done = true
      return writer.take()
    },
    /** True once the response is complete (the job ended, or it waits for approvals). */
    get done() {
      return done
    },
    /** The job as the client has it now. */
    get state() {
      return known
    },
    /** The job as the client had it when a `finish-step` chunk of this mapper ended its round (undefined: another chunk). */
    roundEndOf: (chunk: UiChunk) => writer.roundEndOf(chunk),
  }
}

/** A mapper. */
export type UiChunkMapper = ReturnType<typeof createUiChunkMapper>

function lastFinishReason(state: JobState) {
  return toUiFinishReason(state.steps.at(-1)?.finishReason ?? 'stop')
}
