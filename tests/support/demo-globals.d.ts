/**
 * The Nuxt auto-imports of Vue's API that demo composables use without importing them, typed for
 * tests that mount them (tests/support/demo-component.ts provides them with `vi.stubGlobal`).
 */
declare global {
  const ref: typeof import('vue')['ref']
  const onBeforeUnmount: typeof import('vue')['onBeforeUnmount']
}

export {}
