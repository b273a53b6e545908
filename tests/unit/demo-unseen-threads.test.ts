/**
 * The demo's "new" badges (useUnseenThreads, kept in `localStorage`): two tabs no longer overwrite
 * each other's changes (each change is read-modify-write, and a tab follows the others' through the
 * `storage` event), the list is bounded, and a deleted thread's mark goes with it.
 */
import * as vue from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useChatNotifications } from '../../demo/app/composables/useChatNotifications'
import { useUnseenThreads } from '../../demo/app/composables/useUnseenThreads'
import { UNSEEN_THREADS_KEY, UNSEEN_THREADS_MAX } from '../../demo/app/lib/unseen-threads'
import type { DeletedJobListener } from '../../app/lib/deleted-jobs'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'

let app: ComposableApp
const store = new Map<string, string>()
let page: EventTarget

const stored = () => JSON.parse(store.get(UNSEEN_THREADS_KEY) ?? '[]') as string[]
/** Another tab of this browser writes the list (the browser fires `storage` in this tab only). */
function otherTabWrites(ids: string[], { tell = true } = {}) {
  store.set(UNSEEN_THREADS_KEY, JSON.stringify(ids))
  if (tell) page.dispatchEvent(Object.assign(new Event('storage'), { key: UNSEEN_THREADS_KEY }))
}

beforeEach(() => {
  app = createComposableApp(async () => ({}))
  for (const name of ['onMounted', 'onBeforeUnmount', 'watch'] as const) vi.stubGlobal(name, vue[name])
  vi.stubGlobal('useUnseenThreads', useUnseenThreads)
  vi.stubGlobal('localStorage', { getItem: (key: string) => store.get(key) ?? null, setItem: (key: string, value: string) => store.set(key, value) })
  page = new EventTarget()
  vi.stubGlobal('window', page)
})

afterEach(() => {
  app.dispose()
  store.clear()
})

describe('useUnseenThreads across tabs', () => {
  it('a thread another tab marked seen does not come back when this tab marks another unseen', () => {
    otherTabWrites(['t1'])
    const { result } = app.mount(() => useUnseenThreads())
    expect(result.isUnseen('t1')).toBe(true)
    otherTabWrites([], { tell: false }) // seen there; this tab has not heard yet
    result.markUnseen('t2')
    expect(stored()).toEqual(['t2'])
  })

  it('an unseen mark another tab made is not lost when this tab marks one seen', () => {
    const { result } = app.mount(() => useUnseenThreads())
    result.markUnseen('t1')
    otherTabWrites(['t1', 't2'], { tell: false })
    result.markSeen('t1')
    expect(stored()).toEqual(['t2'])
  })

  it('follows the other tabs\' changes (the storage event), and stops when unmounted', () => {
    const mounted = app.mount(() => useUnseenThreads())
    otherTabWrites(['t3'])
    expect(mounted.result.isUnseen('t3')).toBe(true)
    otherTabWrites([])
    expect(mounted.result.isUnseen('t3')).toBe(false)
    mounted.unmount()
    otherTabWrites(['t4'])
    expect(mounted.result.isUnseen('t4')).toBe(false)
  })

  it('keeps the newest marks only', () => {
    const { result } = app.mount(() => useUnseenThreads())
    for (let index = 0; index < UNSEEN_THREADS_MAX + 50; index++) result.markUnseen(`t${index}`)
    expect(stored()).toHaveLength(UNSEEN_THREADS_MAX)
    expect(result.unseen.value).toHaveLength(UNSEEN_THREADS_MAX)
    expect(result.isUnseen(`t${UNSEEN_THREADS_MAX + 49}`)).toBe(true)
    expect(result.isUnseen('t0')).toBe(false)
  })
})

describe('useChatNotifications: a deleted thread', () => {
  it('drops its unseen mark (deleted here or elsewhere)', () => {
    const deleted: DeletedJobListener[] = []
    vi.stubGlobal('useJobNotifications', () => ({ onNotification: () => () => {} }))
    vi.stubGlobal('useBackgroundJobs', () => ({ onDeleted: (listener: DeletedJobListener) => deleted.push(listener) }))
    vi.stubGlobal('useToasts', () => ({ push: () => {} }))
    vi.stubGlobal('document', Object.assign(new EventTarget(), { hidden: false }))
    otherTabWrites(['gone', 'kept'])
    app.mount(() => useChatNotifications())
    const { result } = app.mount(() => useUnseenThreads())
    expect(result.isUnseen('gone')).toBe(true)
    for (const listener of deleted) listener({ jobId: 'j1', threadId: 'gone', origin: 'elsewhere' })
    expect(result.isUnseen('gone')).toBe(false)
    expect(stored()).toEqual(['kept'])
  })
})
