/**
 * The cut-off visit of an agent node whose text is held until it ends (a parallel node's branch,
 * node-context.ts): none of its text was in the job's content before its end, so its rounds' texts
 * come from their `step-end`s (`heldText`), where the node's context stored them. The node run
 * again after a takeover holds them again, goes on from them as a sequential node goes on from the
 * job's content (agent-continuation.ts), and writes its whole text once as it ends — only the rest
 * of it when its end's write was stored and its `node-end` was not (the node's `textAt`).
 */
import type { JobState, StepState } from '../../../shared/reducer'
import type { RoundTexts } from '../executor/round-text'
import type { WrittenText } from './node-context'

/** What a held visit stored of its text. */
export interface HeldVisitText {
  texts: RoundTexts
  /** The node's held text as its rounds ended (their paragraph breaks included). */
  held: string
  /** What the job's content got of the node's end's write, when it was stored. */
  written?: WrittenText
  /** Every round that ended stored its text (an earlier version, or a text too big for its event, did not). */
  known: boolean
}

const LEADING_LINE_BREAKS = /^\n+/

/**
 * The held texts of the visit's rounds (`steps`: their numbers, from the node's `roundStarts`), told
 * apart as round-text.ts does: a round that asked for tools (`toolSteps`) keeps its text; the text of
 * the rounds after the last of them is the answer so far. A round cut off before its end stored none.
 */
export function heldVisitText(resumedFrom: JobState, nodeId: string, steps: readonly number[], toolSteps: ReadonlySet<number>): HeldVisitText {
  const ofToolRound = new Map<number, string>()
  let held = ''
  let since = ''
  let known = true
  for (const step of [...steps].sort((a, b) => a - b)) {
    // The latest round with that number: an earlier visit's rounds were numbered from 1 too.
    const round: StepState | undefined = resumedFrom.steps.findLast(candidate => candidate.nodeId === nodeId && candidate.step === step)
    if (!round?.ended) continue
    if (typeof round.heldText !== 'string') known = false
    const text = typeof round.heldText === 'string' ? round.heldText : ''
    held += text
    since += text
    if (!toolSteps.has(step)) continue
    ofToolRound.set(step, since.replace(LEADING_LINE_BREAKS, ''))
    since = ''
  }
  const textAt = resumedFrom.nodeStates[nodeId]?.textAt
  const written = textAt === undefined ? undefined : { before: resumedFrom.content.slice(Math.max(0, textAt - 2), textAt), text: resumedFrom.content.slice(textAt) }
  return { texts: { ofToolRound, answerSoFar: since.replace(LEADING_LINE_BREAKS, '') }, held, ...(written ? { written } : {}), known }
}
