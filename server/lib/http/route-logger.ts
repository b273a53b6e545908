/**
 * The log of what the routes themselves see fail: an app hook that threw (resolve-user,
 * feature-flags), an unexpected error, a dispose at shutdown that failed. The same JSON lines as
 * the engine's, redacted the same way (logger.ts): an auth hook's error may well quote the token
 * it refused.
 */
import type { Logger } from '../logger'
import { createConsoleLogger } from '../logger'

/** The routes' logger. */
export const routeLogger: Logger = createConsoleLogger()
