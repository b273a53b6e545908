/**
 * `useJobNotifications` mounted for real (tests/support/composable-app.ts): one user-level stream
 * per tab, opened by the first mounted component and closed after the last one, whatever order
 * Vue runs their hooks in.
 */
import { defineComponent, h, nextTick, ref, Suspense } from 'vue'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp

beforeEach(() => {
  app = createComposableApp(async () => ({}))
})

afterEach(() => {
  app.dispose()
})

const Notified = defineComponent({
  setup() {
    useJobNotifications()
    return () => h('div')
  },
})

describe('useJobNotifications: the shared stream', () => {
  it('opens with the first component, stays while one is mounted, closes after the last (once that update is done)', async () => {
    const first = app.mount(() => useJobNotifications())
    const second = app.mount(() => useJobNotifications())
    expect(app.sources).toHaveLength(1)
    first.unmount()
    await Promise.resolve()
    expect(app.openSources()).toHaveLength(1)
    second.unmount()
    await Promise.resolve()
    expect(app.openSources()).toHaveLength(0)
  })

  it('a component unmounted before it mounted (a page left while Suspense waited for its data) does not stop the next one from opening the stream', async () => {
    let resolveData!: () => void
    const data = new Promise<void>((resolve) => { resolveData = resolve })
    const AsyncPage = defineComponent({
      async setup() {
        await data
        return () => h('div')
      },
    })
    const showPage = ref(true)
    const tree = app.mountRoot(defineComponent({
      setup: () => () => showPage.value ? h(Suspense, null, { default: () => h('div', [h(Notified), h(AsyncPage)]) }) : h('div'),
    }))
    expect(app.sources).toHaveLength(0) // mounted hooks wait for Suspense
    showPage.value = false // navigated away before the data came
    await nextTick()
    resolveData()
    await nextTick()
    expect(app.sources).toHaveLength(0)

    const later = app.mount(() => useJobNotifications())
    expect(app.openSources()).toHaveLength(1)
    later.unmount()
    tree.unmount()
    await Promise.resolve()
    expect(app.openSources()).toHaveLength(0)
  })
})

describe('useJobNotifications: a page switch', () => {
  it('from one page that uses it to another keeps the one stream: no reconnect, no gap without `after`', async () => {
    const page = ref('a')
    app.mountRoot(defineComponent({
      // Each page its own component (as a router keys pages): the old one unmounts, then the new one mounts.
      setup: () => () => h(Notified, { key: page.value }),
    }))
    expect(app.sources).toHaveLength(1)
    app.sources[0]!.emit('job-end', { jobId: 'a', status: 'completed', title: 'A', threadId: null }, '5')
    page.value = 'b'
    await nextTick()
    await Promise.resolve()
    expect(app.sources.map(source => source.url)).toEqual(['/api/jobs/notifications'])
    expect(app.openSources()).toHaveLength(1)
  })
})

describe('useJobNotifications: leaving every page that uses it and coming back', () => {
  const ended = (jobId: string) => ({ jobId, status: 'completed', title: jobId, threadId: null })

  it('resumes after the last notification the tab had, not "from now": what came meanwhile is not lost', async () => {
    const heard: string[] = []
    const first = app.mount(() => useJobNotifications().onNotification(notification => heard.push(notification.jobId)))
    app.sources[0]!.emit('job-end', ended('a'), '5000')
    first.unmount()
    await Promise.resolve()
    expect(app.openSources()).toHaveLength(0)

    app.mount(() => useJobNotifications().onNotification(notification => heard.push(notification.jobId)))
    expect(app.sources.map(source => source.url)).toEqual(['/api/jobs/notifications', '/api/jobs/notifications?after=5000'])
    // What the server replays (another instance reaches back for clock skew): the one already heard is dropped.
    app.sources[1]!.emit('job-end', ended('a'), '5000')
    app.sources[1]!.emit('job-end', ended('b'), '6000')
    expect(heard).toEqual(['a', 'b'])
  })

  it('resumes after the `stream-start` position when no notification came yet', async () => {
    const first = app.mount(() => useJobNotifications())
    app.sources[0]!.emit('stream-start', { type: 'stream-start', id: 4_000 }, '4000')
    first.unmount()
    await Promise.resolve()
    app.mount(() => useJobNotifications())
    expect(app.sources.map(source => source.url)).toEqual(['/api/jobs/notifications', '/api/jobs/notifications?after=4000'])
  })
})

describe('useJobNotifications: the app clears its state (clearNuxtState() on sign-out)', () => {
  it('opens the stream again from now: an open stream stays the user it was opened for, whose notifications the next user would hear', async () => {
    const heard: string[] = []
    app.mount(() => useJobNotifications().onNotification(notification => heard.push(notification.jobId)))
    app.sources[0]!.emit('job-end', { jobId: 'a', status: 'completed', title: 'Their question', threadId: null }, '5000')
    // As clearNuxtState() does to a state without a default.
    app.payload.get('background-jobs:notification-position')!.value = undefined
    expect(app.sources[0]!.closed).toBe(true)
    expect(app.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications'])
    app.sources[0]!.emit('job-end', { jobId: 'b', status: 'completed', title: 'Their next question', threadId: null }, '6000')
    expect(heard).toEqual(['a'])
  })
})
