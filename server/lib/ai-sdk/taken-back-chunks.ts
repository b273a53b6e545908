/**
 * Taking back text the client was streamed and the store never took (decision 54): the job's
 * viewers get a snapshot of the stored state before its end (live-job.ts `takeBack`), which here has
 * less than the client. A UI message stream cannot shorten a part, but a `reset-step` chunk takes
 * back every part since the round's `start-step` (the SDK's own retry of a step): the round is
 * then written again from the stored state. Text of an earlier round cannot be reached that way;
 * the end's error then says so, and the chat's messages read from the server (a reload) show the
 * stored answer.
 */
import type { JobState, PendingInput } from '../../../shared/reducer'
import type { ChunkWriter } from './chunk-writer'
import { writeSnapshotDiff } from './snapshot-chunks'
import { snapshotRounds } from './snapshot-rounds'

/** What the end's error says when text of an earlier round stays on the client. */
export const NOT_ALL_TAKEN_BACK = 'Part of the answer shown above was not stored; reload the chat to see the answer as it was kept.'

/** True when `snapshot` has less text, reasoning or tool calls than the client at `known`: it takes some back. */
export function takesBack(known: JobState, snapshot: JobState): boolean {
  return snapshot.content.length < known.content.length || snapshot.reasoning.length < known.reasoning.length || snapshot.toolCalls.length < known.toolCalls.length
}

/**
 * Brings a client at `known` back to `snapshot` (which `takesBack`) as far as chunks can: its last
 * round taken back (`reset-step`) and, when that round is the snapshot's last too, written again as
 * stored. False when the client keeps something the snapshot lacks (an earlier round's text, or a
 * round whose start the state does not record: left as it is rather than emptied).
 */
export function writeTakenBack(writer: ChunkWriter, known: JobState, snapshot: JobState): boolean {
  // No round on either side: `reset-step` takes back the whole message, written again as stored.
  if (known.steps.length === 0 && snapshot.steps.length === 0) {
    writer.resetStep()
    writeSnapshotDiff(writer, { ...snapshot, content: '', reasoning: '', toolCalls: [], pendingInputs: [], answeredInputs: [] }, snapshot)
    return true
  }
  // The client's last round began after what the store holds: all of it goes, the rounds before stay.
  if (known.steps.length > snapshot.steps.length) {
    writer.resetStep()
    return false
  }
  const rounds = snapshotRounds(snapshot)
  const last = rounds?.at(-1)
  if (!last || last.index < 0) return false
  writer.resetStep()
  // The state before the round's parts, its step kept (the client keeps its `step-start`).
  const calls = new Set(snapshot.toolCalls.slice(last.toolCalls.from).map(call => call.id))
  const before = (input: PendingInput) => input.toolCallId === undefined || !calls.has(input.toolCallId)
  writeSnapshotDiff(writer, {
    ...snapshot,
    content: snapshot.content.slice(0, last.text.from),
    reasoning: snapshot.reasoning.slice(0, last.reasoning.from),
    toolCalls: snapshot.toolCalls.slice(0, last.toolCalls.from),
    pendingInputs: snapshot.pendingInputs.filter(before),
    answeredInputs: snapshot.answeredInputs.filter(before),
  }, snapshot)
  return true
}
