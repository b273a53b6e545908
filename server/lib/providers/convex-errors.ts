/**
 * The `convex` provider's own errors: boot errors naming the missing setting, and the error a
 * call refused for its credential becomes (convex/access.ts).
 */
import { MIN_SECRET_LENGTH, SERVER_SECRET_VARIABLE } from '../../../convex/secret'
import { BackgroundJobsError } from '../errors'

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

/** Rethrows an access refusal of convex/access.ts as `ConvexAccessError` (its message names the settings). */
export function explainRefusal(error: unknown): never {
  const data = (error as { data?: { code?: string, message?: string } })?.data
  if (data && (data.code === 'unauthorized' || data.code === 'not-configured') && data.message) {
    throw new ConvexAccessError(data.message, { cause: error })
  }
  throw error
}
