/**
 * Model rounds by model and outcome, and their time to first token by model: the questions an
 * operator asks of the upstream ("is it failing, with which status? is it slow, for which
 * model?"), which the job-level metrics blend — `upstream_errors_total{code}` has no status nor
 * model, `time_to_first_token_ms` is one per job from its start. Counted per round, on the
 * instance that ran it, once its request was sent (a failing `upstream-request` hook sent none).
 */
import type { JobFailure } from './run-context'
import { useMetrics } from './metrics'
import { upstreamStatusOf } from './upstream-status'

/** The `outcome` of a round: `completed`, `aborted`, `http-<status>` when the endpoint answered one, else the error code. */
export function roundOutcome(failure: JobFailure | 'completed' | 'aborted'): string {
  if (typeof failure === 'string') return failure
  // An error chunk's status (OpenRouter's) came after a 200: the round is `upstream-stream`, as it
  // always was, so a dashboard's `http-*` rates stay the endpoint's HTTP answers.
  const status = failure.code === 'upstream-stream' ? undefined : upstreamStatusOf(failure)
  return status === undefined ? failure.code : `http-${status}`
}

/** Records one round that was sent: its outcome and, when a token came, ms from sending to the first one. */
export function recordModelRound(model: string, outcome: string, firstTokenMs: number | undefined): void {
  const metrics = useMetrics()
  metrics.increment('model_rounds_total', { model, outcome })
  if (firstTokenMs !== undefined) metrics.labeledHistogram('model_first_token_ms')(firstTokenMs, model)
}
