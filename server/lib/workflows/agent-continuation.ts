/**
 * An agent node's visit that a takeover cut off, as the node run again goes on from it (decision
 * 38), the way a chat continued after a takeover does (executor/continuation.ts): the model gets
 * the visit's rounds that asked for tools (their calls and stored results; a call left unanswered,
 * ended as an error when the run began (run-workflow-job.ts), with that error) and the text written
 * since the last of them as the start of its
 * answer (a prefill). So the job's content reads one answer, and the node's output is the whole of
 * it. Read from the node's state: where each of the visit's rounds began in the job's text
 * (`roundStarts`) and where its calls begin among the job's (`callsAt`), both kept by the reducer
 * across the attempts a takeover cut off. A node whose text is held (a parallel node's branch)
 * stored none of it in the job's text before its end: its rounds' texts come from their
 * `step-end`s instead (held-visit.ts).
 */
import type { JobState, StepState, ToolCallState } from '../../../shared/reducer'
import type { RoundTexts } from '../executor/round-text'
import { splitRoundTexts } from '../executor/round-text'
import type { HeldVisitText } from './held-visit'
import { heldVisitText } from './held-visit'

/** What the cut-off visit stored. */
export interface CutOffVisit {
  /** The visit's calls, in the job's order. */
  calls: ToolCallState[]
  texts: RoundTexts
  /** The visit's last round as stored. */
  lastRound?: StepState
  /**
   * Its last round ended without asking for tools: the answer is whole (only the node's end, a
   * later write, was not stored), and nothing more is asked of the model.
   */
  answered: boolean
  /** A held node's: its text so far, and what its end wrote of it. */
  held?: HeldVisitText
}

/**
 * The cut-off visit of agent node `nodeId` in the state a takeover found (`held`: the node's text
 * is held); null when it stored no round (or an earlier version wrote it).
 */
export function cutOffVisit(resumedFrom: JobState | null, nodeId: string, held = false): CutOffVisit | null {
  const node = resumedFrom?.nodeStates[nodeId]
  if (!resumedFrom || node?.kind !== 'agent' || !node.roundStarts || node.callsAt === undefined) return null
  const calls = resumedFrom.toolCalls.slice(node.callsAt).filter(call => call.nodeId === nodeId)
  const toolSteps = new Set(calls.map(call => call.step))
  const steps = Object.keys(node.roundStarts).map(Number)
  const lastStep = Math.max(...steps)
  // The latest round with that number: an earlier visit's rounds were numbered from 1 too.
  const lastRound = resumedFrom.steps.findLast(step => step.nodeId === nodeId && step.step === lastStep)
  const answered = lastRound?.ended === true && lastRound.toolCallCount === 0
  if (!held) return { calls, texts: splitRoundTexts(resumedFrom.content, node.roundStarts, toolSteps), ...(lastRound ? { lastRound } : {}), answered }
  const text = heldVisitText(resumedFrom, nodeId, steps, toolSteps)
  // An answer whose text was not stored is asked for again (its stored tool rounds go with it).
  return { calls, texts: text.texts, ...(lastRound ? { lastRound } : {}), answered: answered && text.known, held: text }
}
