/**
 * What the route tests give for `nitropack/runtime` (the layer's routes call the app's hooks and
 * read the app's base path through it): every request is `user-1`, the app is served at `/` unless
 * a test sets `nitroRuntime.baseURL`. Use as `vi.mock('nitropack/runtime', () => import('../support/nitro-runtime-mock'))`.
 */

/** The settings a test may change. */
export const nitroRuntime = { baseURL: '/', userId: 'user-1' as string | null }

export function useRuntimeConfig() {
  return { app: { baseURL: nitroRuntime.baseURL } }
}

export function useNitroApp() {
  return { hooks: { callHook: async (_name: string, context: { userId?: string | null }) => {
    if ('userId' in context) context.userId = nitroRuntime.userId
  } } }
}
