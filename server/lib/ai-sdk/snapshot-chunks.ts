/**
 * What a client lacks, from a snapshot: the reasoning and text past what it has, and every tool
 * call, approval and outcome it has not seen. Laid out round by round (snapshot-rounds.ts): a
 * `start-step` for each round the client lacks, then the round's reasoning, its text and its calls —
 * the parts the job's events give, so a reload from a snapshot holds the message the live client
 * built (within a round, its text and reasoning in the order they came; each call's last progress,
 * an ended call's too). A state that does not say where its rounds start (reduced before that was kept)
 * gets the missing tools first and the missing text last. Sent when a job's log is not held from
 * the start (a job resumed after a restart) or to resync a client that stopped reading.
 */
import { endedBeforeApprovalReason } from '../../../shared/ended-before-approval'
import type { JobState, ToolCallState } from '../../../shared/reducer'
import { isToolOutcome } from '../../../shared/reducer'
import type { ChunkWriter } from './chunk-writer'
import { approvalDecision } from './chunk-writer'
import { roundEndState, snapshotRounds } from './snapshot-rounds'

/** Writes the chunks that bring a client at `known` to `snapshot`. */
export function writeSnapshotDiff(writer: ChunkWriter, known: JobState, snapshot: JobState): void {
  const id = (kind: string) => `${kind}-${snapshot.seq}`
  const rounds = snapshotRounds(snapshot)
  if (!rounds) {
    writer.reasoning(id('reasoning'), snapshot.reasoning.slice(known.reasoning.length))
    writeCalls(writer, known, snapshot, snapshot.toolCalls)
    writer.text(id('text'), snapshot.content.slice(known.content.length))
    return
  }
  const slice = (text: string, had: number, { from, to }: { from: number, to: number }) => text.slice(Math.max(from, had), to)
  for (const round of rounds) {
    // A round the client lacks starts a step (and ends the one before, asked for its metadata as it ended).
    if (round.index >= known.steps.length) {
      writer.position = roundEndState(snapshot, rounds, rounds[rounds.indexOf(round) - 1]!)
      writer.startStep()
    }
    for (const run of round.runs) {
      if (run.kind === 'text') writer.text(id('text'), slice(snapshot.content, known.content.length, run.span))
      else writer.reasoning(run.seq === undefined ? id('reasoning') : `reasoning-${run.seq}`, slice(snapshot.reasoning, known.reasoning.length, run.span))
    }
    writeCalls(writer, known, snapshot, snapshot.toolCalls.slice(round.toolCalls.from, round.toolCalls.to))
  }
  writer.position = known
}

/** The calls of `calls` (of `snapshot`) the client lacks, their approvals and outcomes, then the progress of those running. */
function writeCalls(writer: ChunkWriter, known: JobState, snapshot: JobState, calls: readonly ToolCallState[]): void {
  const knownCalls = new Map(known.toolCalls.map(call => [call.id, call]))
  const knownRequests = new Set([...known.pendingInputs, ...known.answeredInputs].map(input => input.requestId))
  const knownAnswers = new Set(known.answeredInputs.map(input => input.requestId))
  for (const call of calls) {
    const before = knownCalls.get(call.id)
    if (!before) writer.toolCall(call.id, call.name, call.args)
    const approvals = [...snapshot.answeredInputs, ...snapshot.pendingInputs].filter(input => input.kind === 'tool-approval' && input.toolCallId === call.id)
    // An approval the job's end cut off is in neither list any more: the call keeps its id.
    if (call.approvalId && !approvals.some(input => input.requestId === call.approvalId) && !knownRequests.has(call.approvalId)) {
      writer.approvalRequest({ requestId: call.approvalId, toolCallId: call.id, args: call.approvalArgs })
    }
    for (const approval of approvals) {
      if (!knownRequests.has(approval.requestId)) writer.approvalRequest(approval)
      if ('answer' in approval && !knownAnswers.has(approval.requestId)) writer.approvalResponse(approval.requestId, approval.answer)
    }
    if (isToolOutcome(call.status) && !(before && isToolOutcome(before.status))) writeOutcome(writer, call, snapshot)
  }
  // A call's latest progress, when the client has not seen it (an ended call's too: the live
  // message keeps its part): after the round's calls, in the order the calls first reported, where
  // the live parts land.
  const reported = calls.filter(call => call.progress && call.progress.at !== knownCalls.get(call.id)?.progress?.at)
  for (const call of reported.sort((a, b) => (a.progress!.since ?? Infinity) - (b.progress!.since ?? Infinity))) writer.toolProgress(call.id, call.progress!)
}

/**
 * The outcomes the job's end gave the calls it cut off (still running or waiting for approval):
 * the shared reducer ends them `stopped` by an abort, `error` by a failure (with an error such as
 * `job aborted`), which a snapshot of the ended job says, so the events say it too — else a client
 * that followed them, a replay and the messages route keep such a call `input-available`, or
 * `approval-requested` and so offering an approval the job no longer waits for. A call that ran is
 * an `output-error`; one whose approval was never granted is denied (`writeOutcome`).
 */
export function writeCutOffCalls(writer: ChunkWriter, known: JobState, ended: JobState): void {
  const before = new Map(known.toolCalls.map(call => [call.id, call]))
  for (const call of ended.toolCalls) {
    const was = before.get(call.id)
    if (was && !isToolOutcome(was.status) && isToolOutcome(call.status)) writeOutcome(writer, call, ended)
  }
}

/**
 * A call's outcome (`call` as job `state` has it). A call the job's end cut off before its approval
 * was granted never ran: the SDK takes an ended call with an approval only as granted
 * (`output-error`, `output-available`) or denied (`output-denied`) — `validateUIMessages` refuses
 * an `output-error` with the approval unanswered, so an app that stores and validates its chat's
 * messages could not load it. So such a call is denied, with a reason saying why
 * (shared/ended-before-approval.ts) when nobody answered it, which the model is told next turn.
 */
function writeOutcome(writer: ChunkWriter, call: ToolCallState, state: JobState): void {
  if (!isToolOutcome(call.status)) return
  const cutOff = call.status === 'stopped' || call.status === 'error'
  if (cutOff && call.approvalId !== undefined && (state.status === 'aborted' || state.status === 'failed')) {
    const answer = state.answeredInputs.find(input => input.requestId === call.approvalId)
    if (!answer || !approvalDecision(answer.answer).approved) {
      if (!answer) writer.approvalDenied(call.approvalId, endedBeforeApprovalReason(state.status, state.error?.code))
      writer.toolOutcome(call.id, 'denied', undefined, undefined)
      return
    }
  }
  writer.toolOutcome(call.id, call.status, call.result, call.error)
}
