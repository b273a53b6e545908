/**
 * `limits.anonymousCreatePerMinute`: job creations by anonymous users, counted per client address
 * (through the provider, so across instances). A client that never sends its cookie back is a new
 * anonymous user on every request, so the per-user `createPerMinute` never holds it back; its
 * address does. Users the app names (`background-jobs:resolve-user`) are not counted here.
 */
import { anonymousClientAddress } from './anonymous-address'
import type { JobsRouteContext } from './handler'
import { isAnonymousRequest } from './resolve-user'

/**
 * The client address whose window counts this creation (the engine's `anonymousAddress`), or
 * undefined when the request is not anonymous or the limit is off. The store counts it with the
 * insert, as the per-user `createPerMinute`: never for an idempotent retry or a refused creation.
 */
export function anonymousCreationAddress({ event, config }: JobsRouteContext): string | undefined {
  if (config.limits.anonymousCreatePerMinute <= 0 || !isAnonymousRequest(event)) return undefined
  return anonymousClientAddress(event, config)
}
