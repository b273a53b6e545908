/**
 * Picks the provider named in config. Optional backends are imported lazily, so an app on the
 * memory provider never loads the Convex or Redis client. Shared stores have their calls timed and
 * counted (instrument-provider.ts).
 */
import type { BackgroundJobsConfig } from '../config'
import { convexSecretOf } from '../config'
import type { Logger } from '../logger'
import { instrumentProvider } from './instrument-provider'
import { createMemoryProvider } from './memory'
import type { JobProvider } from './types'

/** Options of `createProviderFromConfig`. */
export interface ProviderFromConfigOptions {
  /** Where a shared provider reports failures after boot (a dropped subscription, say). @default the console */
  logger?: Logger
}

/** Creates the configured provider, or throws a boot error naming what is missing. */
export async function createProviderFromConfig(config: BackgroundJobsConfig, options: ProviderFromConfigOptions = {}): Promise<JobProvider> {
  const { logger } = options
  // A disabled instance (`enabled: false`) runs no job and answers every jobs route with the flag's
  // 503: it needs no store, and one it cannot reach must not hold its start (nor its routes' answer).
  if (config.provider === 'memory' || !config.provider || !config.enabled) {
    // A listener's throw is logged as every other line is (redacted, cut), not by console.error.
    return createMemoryProvider(logger ? { onListenerError: (error: unknown, jobId: string) => logger.error('memory provider listener failed', { jobId, error }) } : {})
  }
  if (config.provider === 'convex') {
    if (!config.convexUrl) {
      throw new Error('nuxt-background-jobs: provider "convex" needs a deployment URL: set NUXT_BACKGROUND_JOBS_CONVEX_URL')
    }
    const { createConvexProvider } = await import('./convex')
    // Throws ConvexSecretMissingError (naming NUXT_BACKGROUND_JOBS_CONVEX_SECRET) without a usable secret.
    const provider = createConvexProvider({
      url: config.convexUrl,
      secret: convexSecretOf(config),
      timeoutMs: config.convexTimeoutMs,
      retryAfterSeconds: config.limits.retryAfterSeconds,
      ...(logger ? { onError: (error: unknown, context?: { jobId: string }) => logger.error('convex subscription failed', { ...context, error }), logger } : {}),
    })
    // Loads the `convex` client and checks the deployment now, so a missing package
    // (ConvexPackageMissingError), a deployment that does not answer, refuses the secret or lacks the
    // functions fails at boot naming the setting, rather than on the first request. A failed
    // attempt closes its client: the engine's next attempt makes a new one.
    await provider.ready().catch(async (error: unknown) => {
      await provider.dispose().catch(() => {})
      throw error
    })
    return instrumentProvider(provider)
  }
  if (config.provider === 'redis') {
    const { createRedisProvider, RedisUrlMissingError } = await import('./redis')
    if (!config.redisUrl) throw new RedisUrlMissingError()
    const provider = createRedisProvider({
      url: config.redisUrl,
      keyPrefix: config.redisKeyPrefix || undefined,
      healthCheckMs: config.redisHealthCheckMs,
      commandTimeoutMs: config.redisCommandTimeoutMs,
      jobTimeoutMs: config.limits.jobTimeoutMs,
      // One JSON line per failure (a dropped connection or subscription), like every other log line.
      ...(logger
        ? {
            onError: (error: unknown, context?: { jobId: string }) => logger.error('redis connection or subscription failed', { ...context, error }),
            onWarning: (message: string) => logger.warn(message),
            logger,
          }
        : {}),
    })
    // Connects now: a missing `redis` package or an unreachable server is a boot error naming it.
    await provider.ready()
    return instrumentProvider(provider)
  }
  throw new Error(`nuxt-background-jobs: unknown provider "${String(config.provider)}" (use "memory", "redis" or "convex")`)
}
