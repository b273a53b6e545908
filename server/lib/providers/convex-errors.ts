/**
 * The `convex` provider's own errors: boot errors naming the missing setting, and the error a
 * call refused for its credential becomes (convex/access.ts).
 */
import { MIN_SECRET_LENGTH, SERVER_SECRET_VARIABLE } from '../../../convex/secret'
import { BackgroundJobsError, ProviderUnavailableError } from '../errors'
import { ConvexPackageMissingError } from './convex-facade'

/** At most this much of Convex's own message is kept in a `ConvexCallError`'s message. */
const CAUSE_MESSAGE_CHARS = 500

/** Thrown at boot when the `convex` provider is selected without a deployment URL. */
export class ConvexUrlMissingError extends Error {
  constructor() {
    super('The convex provider needs a deployment URL: set NUXT_BACKGROUND_JOBS_CONVEX_URL (runtimeConfig.backgroundJobs.convexUrl).')
    this.name = 'ConvexUrlMissingError'
  }
}

/** Thrown at boot when the `convex` provider is selected without the servers' secret (or a short one). */
export class ConvexSecretMissingError extends Error {
  constructor(given: string) {
    super(given
      ? `The convex provider's secret is too short: ${SERVER_SECRET_VARIABLE} needs at least ${MIN_SECRET_LENGTH} characters (and the same value as the deployment's BACKGROUND_JOBS_SECRET).`
      : `The convex provider needs the servers' secret: set ${SERVER_SECRET_VARIABLE} (runtimeConfig.backgroundJobs.convexSecret) to the deployment's BACKGROUND_JOBS_SECRET (npx convex env set BACKGROUND_JOBS_SECRET …), at least ${MIN_SECRET_LENGTH} characters.`)
    this.name = 'ConvexSecretMissingError'
  }
}

/** Convex refused the servers' secret, or the deployment has none: a configuration error. */
export class ConvexAccessError extends BackgroundJobsError {
  override readonly name = 'ConvexAccessError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * Convex answered a call with an error (in production most are just `Server Error`: a conflict
 * that outlasted Convex's retries, an overloaded deployment, a transaction limit): 503 with
 * `Retry-After` and a message naming Convex and the function, never a bare 500. Not a timeout:
 * the call did not commit.
 */
export class ConvexCallError extends ProviderUnavailableError {
  override readonly name = 'ConvexCallError'
  constructor(what: string, cause: unknown, retryAfterSeconds: number) {
    const said = cause instanceof Error ? cause.message : String(cause)
    const cut = said.length > CAUSE_MESSAGE_CHARS ? `${said.slice(0, CAUSE_MESSAGE_CHARS)}…` : said
    super('convex', `Convex failed ${what}: ${cut || 'no message'}; the job store could not answer, retry shortly`, retryAfterSeconds, { cause })
  }
}

/**
 * Rethrows a failed call's error as what the routes should answer: an access refusal of
 * convex/access.ts as `ConvexAccessError` (its message names the settings), our own errors and a
 * missing `convex` package as they are, and anything else Convex said as `ConvexCallError` (503).
 */
export function explainFailure(error: unknown, what: string, retryAfterSeconds: number): never {
  const data = (error as { data?: { code?: string, message?: string } })?.data
  if (data && (data.code === 'unauthorized' || data.code === 'not-configured') && data.message) {
    throw new ConvexAccessError(data.message, { cause: error })
  }
  if (error instanceof BackgroundJobsError || error instanceof ConvexPackageMissingError) throw error
  throw new ConvexCallError(what, error, retryAfterSeconds)
}
