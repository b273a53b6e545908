/**
 * For tests of a Redis setting in the runtime config: the runtime config as Nitro builds it at
 * boot with one variable set, and a stand-in for createRedisProvider that records the options the
 * layer builds it with (`vi.mock('…/providers/redis', (importOriginal) => recordingRedisModule(…))`).
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'

/** The runtime config as Nitro builds it at boot with `variable` set to `value` (delete it after). */
export function bootInputWith(variable: string, value: string): BackgroundJobsConfigInput {
  process.env[variable] = value
  const runtimeConfig = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false })
  return runtimeConfig.backgroundJobs as BackgroundJobsConfigInput
}

/** The Redis provider module with createRedisProvider pushing its options to `created`. */
export async function recordingRedisModule(importOriginal: <T>() => Promise<T>, created: unknown[]) {
  const original = await importOriginal<typeof import('../../server/lib/providers/redis')>()
  return {
    ...original,
    createRedisProvider: (options: unknown) => {
      created.push(options)
      return { name: 'redis', ready: async () => {} }
    },
  }
}
