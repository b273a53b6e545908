/**
 * Where each round of a chat job begins in its text. The job's text runs across rounds (a round's
 * first delta starts a new paragraph, model-round.ts), and the reduced state keeps only the whole:
 * a chat continued after a takeover (`recovery.chat` = `continue`) needs each round's own text — a
 * round that asked for tools is over and its text goes with its calls; only the text of a round
 * still under way is the answer to go on with (a prefill). Read from the job's stored log.
 */
import type { JobEvent } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import { applyEvent } from '../../../shared/reducer'

/** Chat round (`step`) → the length of the job's text when that round started. */
export type RoundTextStarts = Record<number, number>

/** Each chat round's start in the text, from the job's stored events reduced from `initial`. */
export function roundTextStarts(initial: JobState, events: readonly JobEvent[]): RoundTextStarts {
  const starts: RoundTextStarts = {}
  let state = initial
  for (const event of events) {
    if (event.type === 'step-start' && !event.nodeId) starts[event.step] = state.content.length
    state = applyEvent(state, event)
  }
  return starts
}

/** A continued chat's text told apart by round: what each round that asked for tools wrote, and the answer so far. */
export interface RoundTexts {
  /** Step of a round that asked for tools → its text (without the paragraph break it began with). */
  ofToolRound: Map<number, string>
  /** What the rounds after the last one that asked for tools wrote: the answer to go on with. */
  answerSoFar: string
}

/**
 * Splits `content` at the rounds' starts. A round cut off by a takeover is continued by the next
 * round (a prefill): the text of the rounds since the last one that asked for tools is one answer.
 */
export function splitRoundTexts(content: string, starts: RoundTextStarts, toolSteps: ReadonlySet<number>): RoundTexts {
  const steps = Object.keys(starts).map(Number).sort((a, b) => a - b)
  const ofToolRound = new Map<number, string>()
  const text = (from: number | undefined, to: number | undefined) => from === undefined ? '' : content.slice(from, to).replace(/^\n+/, '')
  let answerFrom: number | undefined = steps.length ? starts[steps[0]!] : undefined
  steps.forEach((step, index) => {
    if (!toolSteps.has(step)) return
    const next = steps[index + 1]
    const end = next === undefined ? undefined : starts[next]
    ofToolRound.set(step, text(answerFrom, end))
    answerFrom = end
  })
  return { ofToolRound, answerSoFar: text(answerFrom, undefined) }
}
