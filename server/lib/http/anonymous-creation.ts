/**
 * `limits.anonymousCreatePerMinute` and `limits.maxConcurrentAnonymousJobsPerAddress`: job
 * creations and active jobs of anonymous users, counted per client address (through the provider,
 * so across instances). A client that never sends its cookie back is a new
 * anonymous user on every request, so the per-user `createPerMinute` never holds it back; its
 * address does. Users the app names (`background-jobs:resolve-user`) are not counted here.
 */
import { anonymousClientAddress } from './anonymous-address'
import type { JobsRouteContext } from './handler'
import { isAnonymousRequest } from './resolve-user'

/**
 * The client address whose window counts this creation and whose running jobs it joins (the
 * engine's `anonymousAddress`), or undefined when the request is not anonymous or both limits are
 * off. The store counts it with the insert, as the per-user `createPerMinute` and
 * `maxConcurrentJobsPerUser`: never for an idempotent retry or a refused creation.
 */
export function anonymousCreationAddress({ event, config }: JobsRouteContext): string | undefined {
  const { anonymousCreatePerMinute, maxConcurrentAnonymousJobsPerAddress } = config.limits
  if ((anonymousCreatePerMinute <= 0 && maxConcurrentAnonymousJobsPerAddress <= 0) || !isAnonymousRequest(event)) return undefined
  return anonymousClientAddress(event, config)
}
