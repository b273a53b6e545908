/**
 * The globals the demo's ThreadView reads (Nuxt's auto-imports and the demo's composables), stubbed
 * for a client render (tests/support/demo-client-render.ts) with quiet defaults. A test stubs
 * `useThreadTurns` itself, and again whatever it drives (`useBackgroundJobs`, `useJobNotifications`…)
 * after this call; `vi.unstubAllGlobals()` in its `afterEach` undoes both.
 */
import { vi } from 'vitest'
import * as vue from 'vue'
import type { Ref } from 'vue'
import type { JobSummary } from '../../app/lib/api-types'
import type { ThreadJob } from '../../demo/app/lib/known-jobs'
import { sortOldestFirst } from '../../demo/app/lib/threads'
import { stubDocument } from './demo-client-render'

export function stubThreadViewGlobals(): void {
  stubDocument()
  for (const name of ['ref', 'shallowRef', 'computed', 'reactive', 'watch', 'provide', 'onMounted', 'onBeforeUnmount', 'nextTick'] as const) vi.stubGlobal(name, vue[name])
  vi.stubGlobal('useBackgroundJobs', () => ({ start: vi.fn(), abort: vi.fn(), onDeleted: () => {} }))
  vi.stubGlobal('useToasts', () => ({ push: () => {} }))
  vi.stubGlobal('useJobCatalog', () => ({ catalog: vue.ref(null) }))
  vi.stubGlobal('useUnseenThreads', () => ({ markSeen: () => {} }))
  vi.stubGlobal('useEndsHeard', () => ({ ended: vue.ref([]), heard: () => {}, keepFor: () => {} }))
  vi.stubGlobal('useJobNotifications', () => ({ onNotification: () => {}, onReconnect: () => () => {} }))
  vi.stubGlobal('useViewingThread', () => vue.ref(null))
  vi.stubGlobal('useQuestionInView', () => vue.ref(false))
  vi.stubGlobal('useNuxtApp', () => ({ isHydrating: true }))
  vi.stubGlobal('useHead', () => {})
  vi.stubGlobal('refreshNuxtData', async () => {})
  // The sidebar's list (a title the user gave the thread): none read.
  vi.stubGlobal('useNuxtData', () => ({ data: vue.ref(undefined) }))
  vi.stubGlobal('useRuntimeConfig', () => ({ app: { baseURL: '/' }, public: {} }))
  vi.stubGlobal('navigateTo', async () => {})
  // A touch screen's (lib/focus.ts): the page's first load leaves the focus alone, so the stand-in
  // composers need no `focus`. A test of the focus stubs `window` again.
  vi.stubGlobal('window', { matchMedia: (query: string) => ({ matches: query === '(pointer: coarse)' }) })
}

/**
 * `useThreadTurns` over `turns`, read once, on one page: a turn started here is added as the real
 * one adds it (shown at once, the turns kept oldest first), and one removed leaves `turns`.
 */
export function stubThreadTurns(turns: Ref<ThreadJob[]>): void {
  vi.stubGlobal('useThreadTurns', () => ({
    jobs: turns, refresh: async () => {}, listStatus: vue.ref('success'), listError: vue.ref(null),
    earlier: vue.ref([]), hasEarlier: vue.ref(false), loadingEarlier: vue.ref(false), earlierFailed: vue.ref(null),
    loadEarlier: async () => 0, mounted: vue.ref(true), turns,
    addLocalJob: (added: JobSummary) => {
      turns.value = sortOldestFirst([...turns.value, added])
    },
    // As the real one: the job leaves the thread (and this browser's memory of it, its kept answer).
    remove: (jobId: string) => {
      turns.value = turns.value.filter(job => job.id !== jobId)
    },
  }))
}
