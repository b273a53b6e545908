/**
 * The Nuxt auto-imports of Vue's API that demo composables use without importing them, typed for
 * tests that mount them (tests/support/demo-component.ts provides them with `vi.stubGlobal`), and
 * Nitro's `defineNitroPlugin` for the demo's server plugins.
 */
declare global {
  const ref: typeof import('vue')['ref']
  const onBeforeUnmount: typeof import('vue')['onBeforeUnmount']
  const onMounted: typeof import('vue')['onMounted']
  const watch: typeof import('vue')['watch']
  /** The choice of an answer's version (demo/app/composables/useVersionChoices.ts, tests/unit/demo-answer-versions.test.ts). */
  const reactive: typeof import('vue')['reactive']
  /** The layer's and the demo's composables useChatNotifications calls (tests/unit/demo-unseen-threads.test.ts). */
  const useJobNotifications: typeof import('../../app/composables/useJobNotifications')['useJobNotifications']
  const showBrowserNotification: typeof import('../../app/composables/useJobNotifications')['showBrowserNotification']
  const useBackgroundJobs: typeof import('../../app/composables/useBackgroundJobs')['useBackgroundJobs']
  const useToasts: typeof import('../../demo/app/composables/useToasts')['useToasts']
  const useUnseenThreads: typeof import('../../demo/app/composables/useUnseenThreads')['useUnseenThreads']
  const navigateTo: (to: string) => unknown
  /** The main chat's Edit (demo/app/composables/useMessageEdit.ts, tests/unit/demo-message-edit-hung-save.test.ts). */
  const useJobCatalog: typeof import('../../app/composables/useJobCatalog')['useJobCatalog']
  const refreshNuxtData: (keys?: string | string[]) => Promise<void>
  /** Where a thread puts the focus (demo/app/composables/useThreadFocus.ts, tests/unit/demo-thread-focus-rename.test.ts). */
  const provide: typeof import('vue')['provide']
  const useNuxtApp: () => { isHydrating?: boolean }
  /** Nitro's auto-import, for the demo's server plugins a test loads (stubbed with `vi.stubGlobal`). */
  const defineNitroPlugin: typeof import('nitropack/runtime')['defineNitroPlugin']
}

export {}
