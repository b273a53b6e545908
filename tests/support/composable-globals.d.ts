/**
 * The Nuxt auto-imports of the layer's composables, typed for tests that import a composable
 * directly (they provide them with `vi.stubGlobal`).
 */
declare global {
  const useJobsFetch: () => typeof $fetch
  const useState: <T>(key: string, init?: () => T) => import('vue').Ref<T>
  const useRequestEvent: () => import('h3').H3Event | undefined
  const useRequestFetch: () => typeof $fetch
  const useRuntimeConfig: () => { app: { baseURL: string }, public: Record<string, unknown> }
  /** useJobCatalog's (tests/unit/client-catalog-user-change.test.ts). */
  const useFetch: <T>(url: string, options: { key: string, $fetch: unknown, default: () => T }) => { data: import('vue').Ref<T>, error: import('vue').Ref<unknown>, refresh: () => Promise<void> }
}

export {}
