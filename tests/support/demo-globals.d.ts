/**
 * The Nuxt auto-imports of Vue's API that demo composables use without importing them, typed for
 * tests that mount them (tests/support/demo-component.ts provides them with `vi.stubGlobal`), and
 * Nitro's `defineNitroPlugin` for the demo's server plugins.
 */
declare global {
  const ref: typeof import('vue')['ref']
  const onBeforeUnmount: typeof import('vue')['onBeforeUnmount']
  /** Nitro's auto-import, for the demo's server plugins a test loads (stubbed with `vi.stubGlobal`). */
  const defineNitroPlugin: typeof import('nitropack/runtime')['defineNitroPlugin']
}

export {}
