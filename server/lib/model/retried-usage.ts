/**
 * The tokens of a round's attempts that were sent again. An attempt a retryable finish reason
 * failed before any event (`insufficient_system_resource`) may still report its usage (on its
 * error, `ModelError.usage`): the upstream billed those tokens, so the round reports them, added to
 * its last attempt's usage — or to its failure, when that attempt fails too. The usage so far is
 * also reported as a usage event when a retry is decided, before its wait: a job stopped during the
 * wait has those tokens in its metrics when its end is written (at once, as the abort comes).
 */
import type { TokenUsage } from '../../../shared/events'
import { ModelError } from './errors'
import type { ModelEvent } from './types'

/** Sums two usages. */
function added(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { prompt: a.prompt + b.prompt, completion: a.completion + b.completion, total: a.total + b.total }
}

/** Carries the usage of retried attempts over to the round's last attempt. */
export function createRetriedUsage() {
  let carried: TokenUsage | null = null
  let reported = false
  return {
    /**
     * An attempt failed and is sent again: keeps its usage, and returns the usage billed so far
     * (to report before the retry's wait) when it had any.
     */
    retried(error: ModelError): ModelEvent | null {
      if (!error.usage) return null
      carried = carried ? added(carried, error.usage) : error.usage
      reported = true
      return { type: 'usage', usage: carried }
    },
    /** An event of the last attempt: its usage with the retried attempts' added. */
    event(event: ModelEvent): ModelEvent {
      if (event.type !== 'usage' || !carried) return event
      reported = true
      return { type: 'usage', usage: added(carried, event.usage) }
    },
    /**
     * The round ended well, or was aborted (by the job, during an attempt or a retry's wait): the
     * retried attempts' usage when it was not reported yet — billed either way.
     */
    end(): ModelEvent | null {
      return carried && !reported ? { type: 'usage', usage: carried } : null
    },
    /** Runs `decide` (the retry's wait): an error it throws ends the round, with the usage so far. */
    whileRetrying<T>(decide: () => T): T {
      try {
        return decide()
      }
      catch (error) {
        throw this.failed(error)
      }
    },
    /** The round failed: its error, with the retried attempts' usage added. */
    failed(error: unknown): unknown {
      if (carried && error instanceof ModelError) error.usage = error.usage ? added(carried, error.usage) : carried
      return error
    },
  }
}

/** The usage carried over a round's attempts. */
export type RetriedUsage = ReturnType<typeof createRetriedUsage>
