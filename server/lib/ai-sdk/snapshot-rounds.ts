/**
 * A snapshot's answer cut into its model rounds, as its events stream it: per round, the reasoning,
 * the text and the tool calls it began (`StepState.starts`), its text and reasoning in the order they
 * came (`StepState.runs`, shared/round-runs.ts), so a client built from a snapshot —
 * a reload after this instance took the job over, a log read cut short, a slow client's resync —
 * gets a `step-start` part before each round and each round's own parts, the message a client
 * that read the events holds (snapshot-chunks.ts).
 */
import type { JobState, RoundRun, StepStarts } from '../../../shared/reducer'

/** A half-open range `[from, to)` of a string's code units or a list's entries. */
export interface Span {
  from: number
  to: number
}

/** One run of a round's text or reasoning: one part of the message. */
export interface SnapshotRun {
  kind: 'text' | 'reasoning'
  span: Span
  /** The seq that names a reasoning part (`StepState.reasoningSeq`, `RoundRun.seq`). */
  seq?: number
}

/** One round of a snapshot's answer. */
export interface SnapshotRound {
  /** Its index in `state.steps`; -1 for what came before the first round (nothing, in a chat job). */
  index: number
  reasoning: Span
  text: Span
  /** The round's text and reasoning in the order they came (reasoning, then text, unless `StepState.runs` says otherwise). */
  runs: SnapshotRun[]
  /** Indexes in `state.toolCalls` of the calls the round asked for. */
  toolCalls: Span
}

const lengthsOf = (state: JobState): StepStarts => ({ content: state.content.length, reasoning: state.reasoning.length, toolCalls: state.toolCalls.length })

/**
 * The rounds of `state` in order, after what came before the first one; null when a round does not
 * say where it starts (a state reduced before `starts` was kept): the caller lays it out as a whole.
 */
export function snapshotRounds(state: JobState): SnapshotRound[] | null {
  const starts: StepStarts[] = []
  for (const step of state.steps) {
    if (!step.starts) return null
    starts.push(step.starts)
  }
  const end = lengthsOf(state)
  const bounds = [{ content: 0, reasoning: 0, toolCalls: 0 }, ...starts, end]
  return bounds.slice(0, -1).map((from, position) => {
    const to = bounds[position + 1]!
    const step = state.steps[position - 1]
    const reasoning = { from: from.reasoning, to: Math.max(from.reasoning, to.reasoning) }
    const text = { from: from.content, to: Math.max(from.content, to.content) }
    return {
      index: position - 1,
      reasoning,
      text,
      runs: runsOf(step?.runs, step?.reasoningSeq, reasoning, text),
      toolCalls: { from: from.toolCalls, to: Math.max(from.toolCalls, to.toolCalls) },
    }
  })
}

/** A round's runs: each from where it begins to where the next of its kind does (or the round's end of that kind). */
function runsOf(runs: readonly RoundRun[] | undefined, reasoningSeq: number | undefined, reasoning: Span, text: Span): SnapshotRun[] {
  const firstReasoning: SnapshotRun = { kind: 'reasoning', span: reasoning, ...(reasoningSeq === undefined ? {} : { seq: reasoningSeq }) }
  if (!runs?.length) return [firstReasoning, { kind: 'text', span: text }]
  const within = (kind: RoundRun['kind'], at: number) => {
    const round = kind === 'text' ? text : reasoning
    return Math.min(Math.max(at, round.from), round.to)
  }
  return runs.map((run, index) => {
    const next = runs.slice(index + 1).find(later => later.kind === run.kind)
    const end = next ? next.at : (run.kind === 'text' ? text : reasoning).to
    return { kind: run.kind, span: { from: within(run.kind, run.at), to: within(run.kind, end) }, ...(run.seq === undefined ? {} : { seq: run.seq }) }
  })
}

/**
 * The job as a client that read its events had it when round `round` ended (the next round's
 * `step-start`): what a round's message metadata is asked with (message-metadata.ts).
 */
export function roundEndState(state: JobState, rounds: readonly SnapshotRound[], round: SnapshotRound): JobState {
  const next = rounds[rounds.indexOf(round) + 1]
  if (!next) return state
  return {
    ...state,
    steps: state.steps.slice(0, round.index + 1),
    content: state.content.slice(0, next.text.from),
    reasoning: state.reasoning.slice(0, next.reasoning.from),
    toolCalls: state.toolCalls.slice(0, next.toolCalls.from),
  }
}
