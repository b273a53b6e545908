/**
 * The order of a model round's text and reasoning (`StepState.runs`): a round that streams
 * reasoning, then text — what models send — needs nothing beyond where it starts (`starts`) and
 * its reasoning part's seq (`reasoningSeq`). One whose reasoning comes back after its text (a model
 * that thinks again mid-answer) is, in an AI SDK UI message, reasoning, text, reasoning, text…:
 * each switch is a part of its own. The reducer then lists the round's runs, so a snapshot is laid
 * out as the events stream it (server/lib/ai-sdk/snapshot-rounds.ts). Bounded: at most
 * `MAX_ROUND_RUNS` per round; past that, text and reasoning join the round's last part of their kind.
 */
import type { RoundRun, StepState } from './state-entries'

/** The most runs a round lists (a model switching on every delta must not grow the state per delta). */
export const MAX_ROUND_RUNS = 64

/** What the round's text and reasoning had grown to before the delta (the job's lengths then). */
export interface RoundLengths {
  content: number
  reasoning: number
}

/**
 * The round `step` after a delta of `kind` that grew the job's text or reasoning at `at` (its
 * length before the delta), or null when the round stays as it is: the switch is implied by
 * `starts` (reasoning, then text), or the round already lists `MAX_ROUND_RUNS` runs.
 */
export function withDeltaRun(step: StepState, kind: RoundRun['kind'], at: number, seq: number, before: RoundLengths): StepState | null {
  const runs = step.runs
  if (runs) {
    if (runs.at(-1)!.kind === kind || runs.length >= MAX_ROUND_RUNS) return null
    return { ...step, runs: [...runs, runOf(kind, at, seq)] }
  }
  // Reasoning, then text is the layout `starts` implies; reasoning after the round's text is not.
  const starts = step.starts
  if (!starts || kind !== 'reasoning' || before.content <= starts.content) return null
  const reasoned = before.reasoning > starts.reasoning
  return {
    ...step,
    runs: [
      ...(reasoned ? [runOf('reasoning', starts.reasoning, step.reasoningSeq)] : []),
      { kind: 'text', at: starts.content },
      runOf('reasoning', at, seq),
    ],
  }
}

function runOf(kind: RoundRun['kind'], at: number, seq: number | undefined): RoundRun {
  return kind === 'reasoning' && seq !== undefined ? { kind, at, seq } : { kind, at }
}
