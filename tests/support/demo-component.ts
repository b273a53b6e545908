/**
 * Mounts a demo component (a `.vue` file of demo/app, compiled by the unit project's Vue plugin)
 * in Node, on tests/support/composable-app.ts: the Nuxt auto-imports its `<script setup>` and its
 * composables use without importing them are provided as globals (Vue's API, the layer's
 * `useBackgroundJob`, the demo's composables). Nothing is rendered (the component is compiled for
 * server rendering, and the renderer keeps nothing): a test reads what the component emits.
 */
import * as vue from 'vue'
import type { Component } from 'vue'
import { vi } from 'vitest'
import { useBackgroundJob } from '../../app/composables/useBackgroundJob'
import { useCodeCopy } from '../../demo/app/composables/useCodeCopy'
import { useCopy } from '../../demo/app/composables/useCopy'
import { useServerReturn } from '../../demo/app/composables/useServerReturn'
import type { ComposableApp } from './composable-app'

const VUE_AUTO_IMPORTS = ['ref', 'shallowRef', 'computed', 'reactive', 'readonly', 'watch', 'watchEffect', 'nextTick', 'onMounted', 'onBeforeUnmount', 'onUnmounted', 'toRef', 'toValue', 'useId'] as const

const consoleWarn = console.warn.bind(console)

/** Mounts `component` with `props` (listeners as `onX`) in `app`; call after `createComposableApp`. */
export function mountDemoComponent(app: ComposableApp, component: Component, props: Record<string, unknown>): { unmount: () => void } {
  for (const name of VUE_AUTO_IMPORTS) vi.stubGlobal(name, vue[name])
  vi.stubGlobal('useBackgroundJob', useBackgroundJob)
  vi.stubGlobal('useCopy', useCopy)
  vi.stubGlobal('useCodeCopy', useCodeCopy)
  vi.stubGlobal('useServerReturn', useServerReturn)
  // Unresolved child components are expected here (see above): keep Vue quiet about them.
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    if (typeof args[0] === 'string' && /Failed to resolve component|missing template or render function/.test(args[0])) return
    consoleWarn(...args)
  })
  return app.mountRoot(vue.defineComponent({
    setup() {
      // Vitest transforms for Node, so the plugin compiles the component for server rendering: its
      // setup registers itself in the SSR context. Its setup, watchers and emits run as in a browser.
      vue.provide(vue.ssrContextKey, {})
      return () => vue.h(component, props)
    },
  }))
}
