/**
 * An error a job store gives a write that sending the same write again cannot get past: Redis's
 * error reply to the append (a key of the wrong type, a value its script rejects), Convex refusing
 * the call's arguments, its schema or one of its limits. The persist queue does not retry it as it
 * does an outage (persist-queue.ts): the job ends `failed` with `store-refused`, what the store
 * took kept (docs/decisions/042-store-refused-writes-end-the-job.md). Which errors each provider
 * counts is listed in docs/providers.md, "Errors a write cannot get past".
 */
import { BackgroundJobsError } from '../errors'

/** A store refused a call for good (see the file comment): a 500, never "retry shortly". */
export class StoreRefusedError extends BackgroundJobsError {
  override readonly name: string = 'StoreRefusedError'
  /** @param provider The provider's name (`redis`, `convex`). */
  constructor(readonly provider: string, message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** True for an error the same write sent again would meet again (the persist queue gives it up). */
export function isStoreRefusal(error: unknown): error is StoreRefusedError {
  return error instanceof StoreRefusedError
}
