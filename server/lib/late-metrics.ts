/**
 * Metrics a run reports after its job's end was decided. An abort writes the end at once, with
 * the job's metrics of that moment (run-end.ts): what a model round reports as it unwinds after
 * it — a model client that does not stop at the abort, or the rest of a batch it was handing over
 * when the job stopped — is in no stored state. Added to the run's metrics anyway, the `job ended`
 * line, the job's span and `model_tokens_total` said more tokens than the job's `job-end` (what
 * `GET /api/jobs/:id`, the streams and a reload show). They are left out of all of them; tokens
 * left out are named in one warning per job, since the upstream may have billed them.
 */
import type { JobMetrics, TokenUsage } from '../../shared/events'
import type { Logger } from './logger'

/** What arrives after the end: `addMetrics`' argument (run-context.ts). */
type LateAdd = Partial<Omit<JobMetrics, 'tokens'>> & { tokens?: Partial<TokenUsage> }

/** Keeps a job's late metrics out of it; warns once for its late tokens. */
export function createLateMetrics(jobId: string, logger: Logger | undefined) {
  let warned = false
  return {
    add(add: LateAdd): void {
      const tokens = add.tokens
      if (warned || !tokens || !((tokens.prompt ?? 0) || (tokens.completion ?? 0) || (tokens.total ?? 0))) return
      warned = true
      logger?.warn('a model round reported tokens after its job had ended; they are not in the job\'s metrics', { jobId, usage: { prompt: tokens.prompt ?? 0, completion: tokens.completion ?? 0, total: tokens.total ?? 0 } })
    },
  }
}
