/**
 * The optional peer packages of the providers (`redis`, `convex`) are imported lazily, only when
 * that provider is configured; an app without them builds as usual. Rollup still warns about each
 * one it cannot resolve ("could not be resolved – treating it as an external dependency") on every
 * `nuxt dev` and `nuxt build` of such an app: noise about packages the app never asked for. A run
 * that selects the provider without its package fails with an error naming the package instead
 * (server/lib/providers/).
 */
import type { RollupConfig } from 'nitropack/types'

/** The bare imports of the optional providers. */
export const OPTIONAL_PEER_IMPORTS: readonly string[] = ['redis', 'convex/browser']

interface RollupWarning {
  code?: string
  exporter?: string
}

/** True for rollup's warning that an optional provider's package is not installed. */
export function isOptionalPeerWarning(warning: RollupWarning): boolean {
  return warning.code === 'UNRESOLVED_IMPORT' && OPTIONAL_PEER_IMPORTS.includes(warning.exporter ?? '')
}

/** Wraps a rollup config's `onwarn` so it drops the optional-peer warnings and passes every other one on. */
export function quietOptionalPeers(rollupConfig: RollupConfig): void {
  const onwarn = rollupConfig.onwarn
  rollupConfig.onwarn = (warning, defaultHandler) => {
    if (isOptionalPeerWarning(warning)) return
    if (onwarn) onwarn(warning, defaultHandler)
    else defaultHandler(warning)
  }
}
