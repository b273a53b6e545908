/**
 * The `convex` provider's boot check: one `health:check` query, so a deployment that cannot serve
 * this server fails the boot naming the setting to fix, instead of every request answering 503
 * (or 500) later. Each failure is a `StoreUnreachableError`, tried again with backoff like an
 * unreachable Redis (engine-startup.ts): the deployment may come up, its secret be set or its
 * functions be deployed without restarting the server. A refused secret and missing or older
 * functions wait for someone's fix, so the health route says `failed` for them (start-failure.ts).
 */
import { FUNCTIONS_VERSION } from '../../../convex/version'
import { SECRET_VARIABLE } from '../../../convex/secret'
import { ProviderUnavailableError, StoreUnreachableError } from '../errors'
import { ConvexAccessError, ConvexCallError, ConvexRefusedError } from './convex-errors'
import { ConvexPackageMissingError } from './convex-facade'
import { redactUrl } from './redis-url-redaction'

const URL_VARIABLE = 'NUXT_BACKGROUND_JOBS_CONVEX_URL'

/** What Convex (and convex-test) say when a called function is not deployed. */
const FUNCTION_MISSING = /could not find (public function|module|function)/i

/** The deployment cannot serve this server (yet): the message names the setting to fix. */
export class ConvexDeploymentCheckError extends StoreUnreachableError {
  override name = 'ConvexDeploymentCheckError'
}

/**
 * The deployment refused this server's secret (or has none set): tried again like the others (a
 * secret set on the deployment is picked up), but only someone's fix ends it, so the health
 * route says `failed` (`store-auth-refused`, start-failure.ts) meanwhile.
 */
export class ConvexSecretRefusedError extends ConvexDeploymentCheckError {
  override readonly needsFix = 'store-auth-refused' as const
}

/**
 * The deployment lacks the layer's functions, or has them at a version older than
 * `FUNCTIONS_VERSION`: tried again (a deploy is picked up without a restart), but only a deploy
 * ends it, so the health route says `failed` (`store-functions-outdated`) meanwhile.
 */
export class ConvexFunctionsOutdatedError extends ConvexDeploymentCheckError {
  override readonly needsFix = 'store-functions-outdated' as const
}

/** Options of `checkConvexDeployment`. */
export interface ConvexBootCheckOptions {
  /** Runs `health:check` (with the provider's time limit and error mapping). */
  check: () => Promise<{ version: number }>
  /** The deployment URL, shown in messages (absent with a test facade). */
  url?: string
}

/** Resolves when the deployment answers with the layer's functions at `FUNCTIONS_VERSION` or later. */
export async function checkConvexDeployment(options: ConvexBootCheckOptions): Promise<void> {
  const where = `the Convex deployment${options.url ? ` at ${redactUrl(options.url)}` : ''} (${URL_VARIABLE})`
  let answer: { version: number }
  try {
    answer = await options.check()
  }
  catch (error) {
    throw explainBootFailure(error, where)
  }
  const version = answer?.version
  if (typeof version !== 'number' || version < FUNCTIONS_VERSION) {
    throw new ConvexFunctionsOutdatedError(`${where} has the layer's Convex functions at version ${String(version)}, and this server needs version ${FUNCTIONS_VERSION} or later: deploy the functions of this version (npx convex deploy) before the servers`)
  }
}

/** The boot error a failed `health:check` call stands for. */
function explainBootFailure(error: unknown, where: string): unknown {
  if (error instanceof ConvexPackageMissingError) return error
  if (error instanceof ConvexAccessError) {
    // Its message names NUXT_BACKGROUND_JOBS_CONVEX_SECRET (refused) or the deployment's own variable (unset).
    return new ConvexSecretRefusedError(`${where} refused this server: ${error.message}`, { cause: error })
  }
  // A function the deployment lacks is a refusal for good (ConvexRefusedError); any other answer of Convex's a ConvexCallError.
  if (error instanceof ConvexCallError || error instanceof ConvexRefusedError) {
    const said = error.cause instanceof Error ? error.cause.message : String(error.cause)
    if (FUNCTION_MISSING.test(said)) {
      return new ConvexFunctionsOutdatedError(`${where} does not have the layer's Convex functions (health:check is missing: never deployed, an older version, or the URL of another deployment): deploy them with npx convex deploy, with ${SECRET_VARIABLE} set there (npx convex env set)`, { cause: error })
    }
    return new ConvexDeploymentCheckError(`${where} failed the boot check: ${error.message}`, { cause: error })
  }
  if (error instanceof ProviderUnavailableError) {
    // The call's time limit: no answer at all (a wrong or deleted deployment, or no network).
    return new ConvexDeploymentCheckError(`${where} did not answer: check the URL (a deployment that exists, https://<deployment>.convex.cloud) and that it is reachable from this server; ${error.message}`, { cause: error })
  }
  return new ConvexDeploymentCheckError(`${where} failed the boot check: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
}
