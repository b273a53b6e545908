/**
 * The Nuxt auto-imports the /ai-sdk demo page uses besides `$fetch`, stubbed for a mount outside
 * Nuxt: route `?chat=c1`, no thread viewed, no deletions or toasts, client id `c2`, reconnects the test fires. Shared by
 * tests/support/ai-sdk-page.ts and demo-ai-sdk-announcements.
 */
import { vi } from 'vitest'
import { ref } from 'vue'

/** The page's `useJobNotifications().onReconnect` listeners (a test calls them: the server is back). */
export const reconnectListeners: (() => void)[] = []

/** Stubs them as globals (undone by `vi.unstubAllGlobals()`). */
export function stubAiSdkPageGlobals(): void {
  reconnectListeners.length = 0
  vi.stubGlobal('useJobNotifications', () => ({
    onReconnect: (listener: () => void) => {
      reconnectListeners.push(listener)
      return () => {}
    },
  }))
  vi.stubGlobal('useRoute', () => ({ query: { chat: 'c1' } }))
  vi.stubGlobal('useRouter', () => ({ replace: vi.fn() }))
  vi.stubGlobal('useViewingThread', () => ref(null))
  vi.stubGlobal('useBackgroundJobs', () => ({ onDeleted: () => {} }))
  vi.stubGlobal('useToasts', () => ({ push: () => {} }))
  vi.stubGlobal('createClientId', () => 'c2')
}
