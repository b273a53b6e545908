/**
 * The Nuxt auto-imports the /ai-sdk demo page uses besides `$fetch`, stubbed for a mount outside
 * Nuxt: route `?chat=c1`, no thread viewed, no sidebar list (a test sets `threadListData`; `useHead`'s titles in `headTitles`), no deletions or toasts, client id `c2`, reconnects the test fires. Shared by
 * tests/support/ai-sdk-page.ts and demo-ai-sdk-announcements.
 */
import { vi } from 'vitest'
import { ref } from 'vue'
import type { ThreadSummary } from '../../app/lib/api-types'

/** The page's `useHead` titles (getters), the newest last. */
export const headTitles: (() => string)[] = []
/** The sidebar's list as the page reads it (`useNuxtData`): a test sets it. */
export const threadListData = ref<{ threads: ThreadSummary[] } | null>(null)

/** The page's `useJobNotifications().onReconnect` listeners (a test calls them: the server is back). */
export const reconnectListeners: (() => void)[] = []

/** Stubs them as globals (undone by `vi.unstubAllGlobals()`). */
export function stubAiSdkPageGlobals(): void {
  reconnectListeners.length = 0
  headTitles.length = 0
  threadListData.value = null
  vi.stubGlobal('useHead', (head: { title: () => string }) => void headTitles.push(head.title))
  vi.stubGlobal('useNuxtData', () => ({ data: threadListData }))
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
