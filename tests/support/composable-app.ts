/**
 * Mounts Vue components that call the layer's composables, in Node, without a DOM or Nuxt: a
 * renderer that keeps nothing, `useState` as a keyed map shared by the whole "app" (as Nuxt's
 * payload state is), `$fetch`/`useJobsFetch` as the test gives them, a page `location`, and a global `EventSource`
 * whose instances the test drives (tests/support/fake-event-source.ts).
 */
import { createRenderer, createSSRApp, defineComponent, h, ref, toRef } from 'vue'
import { renderToString } from 'vue/server-renderer'
import type { Component, Ref } from 'vue'
import { vi } from 'vitest'
import { FakeEventSource } from './fake-event-source'

/** A renderer whose "nodes" are plain objects: enough for lifecycle hooks, no DOM needed. */
const { createApp } = createRenderer<object, object>({
  createElement: () => ({}),
  createText: () => ({}),
  createComment: () => ({}),
  setText: () => {},
  setElementText: () => {},
  insert: () => {},
  remove: () => {},
  patchProp: () => {},
  parentNode: () => null,
  nextSibling: () => null,
})

/** The fake browser and Nuxt globals a mounted composable sees. */
export interface ComposableApp {
  /** Every EventSource opened, oldest first. */
  sources: FakeEventSource[]
  /** The sources not closed yet. */
  openSources: () => FakeEventSource[]
  /** Nuxt's payload state (`useState`). */
  payload: Map<string, Ref<unknown>>
  /** Mounts `setup` as a component. */
  mount: <T>(setup: () => T) => { result: T, unmount: () => void }
  /** Mounts a whole component tree (a root component of the test's own). */
  mountRoot: (root: Component) => { unmount: () => void }
  /** Renders `setup` as a component on the "server" (server prefetch included); resolves with its result. */
  renderOnServer: <T>(setup: () => T) => Promise<T>
  /** Unmounts everything and removes the globals. */
  dispose: () => void
}

/** Installs the globals; `fetch` answers the composables' `$fetch` calls. `baseURL`: the app's `app.baseURL`. */
export function createComposableApp(fetch: (url: string, options?: unknown) => Promise<unknown>, { baseURL = '/' }: { baseURL?: string } = {}): ComposableApp {
  const sources: FakeEventSource[] = []
  const payload = new Map<string, Ref<unknown>>()
  const holder = ref({}) as Ref<Record<string, unknown>>
  vi.stubGlobal('useState', (key: string, init?: () => unknown) => {
    if (!(key in holder.value)) holder.value[key] = init?.()
    const state = toRef(holder.value, key)
    payload.set(key, state)
    return state
  })
  vi.stubGlobal('useRuntimeConfig', () => ({ app: { baseURL }, public: {} }))
  vi.stubGlobal('location', { href: 'http://127.0.0.1/' })
  vi.stubGlobal('$fetch', fetch)
  vi.stubGlobal('useJobsFetch', () => fetch)
  vi.stubGlobal('EventSource', class extends FakeEventSource {
    constructor(url: string) {
      super(url)
      sources.push(this)
    }
  })
  const mounted: (() => void)[] = []
  return {
    sources,
    openSources: () => sources.filter(source => !source.closed),
    payload,
    mount<T>(setup: () => T) {
      let result!: T
      const app = createApp(defineComponent({
        setup() {
          result = setup()
          return () => h('div')
        },
      }) as Component)
      app.mount({})
      let done = false
      const unmount = () => {
        if (done) return
        done = true
        app.unmount()
      }
      mounted.push(unmount)
      return { result, unmount }
    },
    mountRoot(root: Component) {
      const tree = createApp(root)
      tree.mount({})
      let done = false
      const unmount = () => {
        if (done) return
        done = true
        tree.unmount()
      }
      mounted.push(unmount)
      return { unmount }
    },
    async renderOnServer<T>(setup: () => T) {
      let result!: T
      await renderToString(createSSRApp(defineComponent({
        setup() {
          result = setup()
          return () => h('div')
        },
      })))
      return result
    },
    dispose() {
      for (const unmount of mounted) unmount()
      vi.unstubAllGlobals()
    },
  }
}
