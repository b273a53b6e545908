/**
 * The signed-in user changes without a page load (the app calls `clearNuxtState()`, as
 * docs/client.md says): `useJobCatalog` kept what it read for the last user (chat's and each
 * workflow's availability for them) until something refreshed it. It is now read again, once.
 */
import { ref } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useJobCatalog } from '../../app/composables/useJobCatalog'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp

/** As Nuxt 4's clearNuxtState() does: every state key removed. */
function clearNuxtState() {
  for (const state of app.payload.values()) state.value = undefined
}

beforeEach(() => {
  app = createComposableApp(async () => ({}))
})

afterEach(() => {
  app.dispose()
})

describe('clearNuxtState() with useJobCatalog mounted', () => {
  it('reads the catalog again, once', () => {
    const refresh = vi.fn(async () => {})
    vi.stubGlobal('useFetch', () => ({ data: ref(null), error: ref(null), refresh }))
    app.mount(() => useJobCatalog())
    app.mount(() => useJobCatalog())
    expect(refresh).not.toHaveBeenCalled()
    clearNuxtState()
    expect(refresh).toHaveBeenCalledTimes(1)
    clearNuxtState()
    expect(refresh).toHaveBeenCalledTimes(2)
  })
})
