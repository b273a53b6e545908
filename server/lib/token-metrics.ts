/**
 * Counts the tokens a run's model rounds spent (`model_tokens_total{kind}`), on the instance that
 * ran them and when a round reports them — not at the job's end, whose metrics also hold what a
 * lost owner spent (counted there) and which a workflow waiting for a human answer reaches hours
 * later.
 */
import type { JobMetrics } from '../../shared/events'
import { useMetrics } from './metrics'

/** Adds one round's usage (or part of it) to the process's token counters. */
export function countTokens(tokens: Partial<JobMetrics['tokens']>): void {
  const metrics = useMetrics()
  metrics.increment('model_tokens_total', { kind: 'prompt' }, tokens.prompt ?? 0)
  metrics.increment('model_tokens_total', { kind: 'completion' }, tokens.completion ?? 0)
}
