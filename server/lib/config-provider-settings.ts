/**
 * A store's settings given while another provider stores the jobs. `NUXT_BACKGROUND_JOBS_REDIS_URL`
 * set without `NUXT_BACKGROUND_JOBS_PROVIDER=redis` (the step a deploy most easily forgets) ran
 * every instance on its own memory store with nothing said: jobs lost on each restart, a `404` for
 * any request the balancer sent to another instance. Warned about at boot, naming the settings and
 * the provider variable to set (never their values: a URL or secret).
 */
import type { BackgroundJobsConfig } from './config'
import { DEFAULT_CONFIG, envNameOf } from './config'

/** The settings only a shared store reads, by the provider that reads them. */
export const STORE_SETTINGS = {
  redis: { label: 'Redis', keys: ['redisUrl', 'redisKeyPrefix', 'redisHealthCheckMs', 'redisCommandTimeoutMs'] },
  convex: { label: 'Convex', keys: ['convexUrl', 'convexSecret', 'convexTimeoutMs'] },
} as const satisfies Record<string, { label: string, keys: readonly (keyof BackgroundJobsConfig)[] }>

/** One warning per shared store with settings set (not at their defaults) while another provider is in use. */
export function unusedStoreSettingWarnings(config: BackgroundJobsConfig): string[] {
  return Object.entries(STORE_SETTINGS).flatMap(([provider, { label, keys }]) => {
    if (config.provider === provider) return []
    const set = keys.filter(key => config[key] !== DEFAULT_CONFIG[key])
    if (set.length === 0) return []
    const named = set.map(key => `backgroundJobs.${key} (${envNameOf(key)})`).join(', ')
    const where = config.provider === 'memory' ? 'jobs are kept in this process only (lost on a restart, not seen by other instances)' : `jobs are stored in ${config.provider === 'redis' ? 'Redis' : 'Convex'}`
    return [`${named} ${set.length > 1 ? 'are' : 'is'} set, but backgroundJobs.provider (${envNameOf('provider')}) is "${config.provider}": ${set.length > 1 ? 'they are' : 'it is'} not used, and ${where}; set ${envNameOf('provider')}=${provider} to store them in ${label}, or unset ${set.length > 1 ? 'these' : 'it'}`]
  })
}
