/**
 * Runs the app's `background-jobs:feature-flags` hook for the requesting user (once per request)
 * and combines its answer with the global flags (server/lib/feature-flags.ts).
 */
import type { H3Event } from 'h3'
import { useNitroApp } from 'nitropack/runtime'
import type { BackgroundJobsConfig } from '../config'
import { createFailureStreakLog } from '../failure-streak-log'
import { combineFlags, globalFlags, inRollout } from '../feature-flags'
import type { FeatureFlags, FeatureFlagsContext } from '../feature-flags'
import { hookFlags } from './hook-flags'
import { routeLogger } from './route-logger'

declare module 'nitropack/types' {
  interface NitroRuntimeHooks {
    /** Refine the feature flags for one user (see server/lib/feature-flags.ts and docs/feature-flags.md). */
    'background-jobs:feature-flags': (context: FeatureFlagsContext) => void | Promise<void>
  }
}

/**
 * The hook's failures, once per outage of what it asks (a flag service): every request fails the
 * same way until it answers again, and a line per request would bury everything else.
 */
const hookFailureLog = createFailureStreakLog({
  logger: routeLogger,
  failed: 'feature-flags hook failed; using the global flags (later failures are not logged until it succeeds again)',
  recovered: 'feature-flags hook succeeds again',
  fields: {},
})

/**
 * Runs the app's hook for this request's user (once per request). A hook that throws is logged; the
 * global flags apply. A flag it set to anything but a boolean is logged and off (hook-flags.ts).
 */
export async function resolveFeatureFlags(event: H3Event, userId: string, config: BackgroundJobsConfig): Promise<FeatureFlags> {
  const cached = event.context.backgroundJobsFlags as FeatureFlags | undefined
  if (cached) return cached
  const global = globalFlags(config)
  let flags = global
  if (global.enabled) {
    const context: FeatureFlagsContext = { event, userId, flags: { ...global }, rollout: rule => inRollout(userId, rule) }
    try {
      await useNitroApp().hooks.callHook('background-jobs:feature-flags', context)
      hookFailureLog.succeeded()
      flags = combineFlags(global, hookFlags(context.flags, routeLogger))
    }
    catch (error) {
      hookFailureLog.failed(error)
    }
  }
  event.context.backgroundJobsFlags = flags
  return flags
}
