/**
 * Lets plain Node run the layer's TypeScript sources: the layer imports its own files without an
 * extension (`./viewer-hub`), which Node's ESM resolver refuses. This hook retries such a relative
 * specifier with `.ts` (then `/index.ts`). Use with `--experimental-transform-types` (the layer uses
 * constructor parameter properties, which plain type stripping does not accept).
 */
import { registerHooks } from 'node:module'

const CANDIDATE_SUFFIXES = ['.ts', '/index.ts']

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context)
    }
    catch (error) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')
      if (!relative || /\.[cm]?[jt]s$/.test(specifier)) throw error
      for (const suffix of CANDIDATE_SUFFIXES) {
        try {
          return nextResolve(specifier + suffix, context)
        }
        catch {
          // try the next suffix
        }
      }
      throw error
    }
  },
})
