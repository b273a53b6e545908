/**
 * The Nuxt auto-imports the /ai-sdk demo page uses besides `$fetch`, stubbed for a mount outside
 * Nuxt: route `?chat=c1`, no thread viewed, no deletions or toasts, client id `c2`. Shared by
 * tests/support/ai-sdk-page.ts and demo-ai-sdk-announcements.
 */
import { vi } from 'vitest'
import { ref } from 'vue'

/** Stubs them as globals (undone by `vi.unstubAllGlobals()`). */
export function stubAiSdkPageGlobals(): void {
  vi.stubGlobal('useRoute', () => ({ query: { chat: 'c1' } }))
  vi.stubGlobal('useRouter', () => ({ replace: vi.fn() }))
  vi.stubGlobal('useViewingThread', () => ref(null))
  vi.stubGlobal('useBackgroundJobs', () => ({ onDeleted: () => {} }))
  vi.stubGlobal('useToasts', () => ({ push: () => {} }))
  vi.stubGlobal('createClientId', () => 'c2')
}
