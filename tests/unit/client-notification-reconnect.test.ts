/**
 * The notification stream says when it opened again after a break (`onReconnect`). Without it, an
 * app had no way to learn that the server was back: notifications missed meanwhile are replayed,
 * but a list whose refresh failed while the server was away (the demo's sidebar: "Couldn’t reach
 * the server — the thread list wasn’t refreshed", a stale "live" badge) stayed so until the next
 * notification or click.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useJobNotifications } from '../../app/composables/useJobNotifications'
import { reconnectListenerCount } from '../../app/lib/notification-listeners'
import type { TabChannel, TabCoordination } from '../../app/lib/notification-stream-tabs'
import { followNotificationsAcrossTabs } from '../../app/lib/notification-stream-tabs'
import { followNotifications, NOTIFICATIONS_REOPEN_BASE_DELAY_MS, NOTIFICATIONS_WAKE_QUIET_MS } from '../../app/lib/notification-stream'
import { createComposableApp } from '../support/composable-app'
import type { ComposableApp } from '../support/composable-app'
import { FakeEventSource } from '../support/fake-event-source'

let app: ComposableApp

beforeEach(() => {
  vi.useFakeTimers()
  app = createComposableApp(async () => ({}))
})

afterEach(() => {
  app.dispose()
  vi.useRealTimers()
})

describe('useJobNotifications().onReconnect', () => {
  it('is called once when the stream opens again after a break, not when it first opens', () => {
    let reconnects = 0
    app.mount(() => useJobNotifications().onReconnect(() => reconnects++))
    app.sources[0]!.open()
    expect(reconnects).toBe(0)

    // The server goes away: the stream breaks, and its first reopen fails too.
    app.sources[0]!.fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    app.sources[1]!.fail()
    expect(reconnects).toBe(0)
    vi.advanceTimersByTime(2 * NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    // Back: the third stream opens.
    app.sources[2]!.open()
    expect(reconnects).toBe(1)
    expect(app.openSources()).toHaveLength(1)
  })

  it('stops calling a component that unmounted', () => {
    const before = reconnectListenerCount()
    let reconnects = 0
    const keeper = app.mount(() => useJobNotifications())
    const listener = app.mount(() => useJobNotifications().onReconnect(() => reconnects++))
    expect(reconnectListenerCount()).toBe(before + 1)
    listener.unmount()
    expect(reconnectListenerCount()).toBe(before)
    app.sources[0]!.fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    app.sources[1]!.open()
    expect(reconnects).toBe(0)
    keeper.unmount()
  })
})

describe('followNotifications: onReconnect', () => {
  it('is called when a wake reopens a stream quiet for too long (it may have died while the device slept)', () => {
    let reconnects = 0
    let wake = () => {}
    let clock = 0
    const sources: FakeEventSource[] = []
    const handle = followNotifications({
      url: '/api/jobs/notifications',
      onNotification: () => {},
      onReconnect: () => reconnects++,
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
      subscribeToWake: (callback) => {
        wake = callback
        return () => {}
      },
      now: () => clock,
    })
    sources[0]!.open()
    clock += NOTIFICATIONS_WAKE_QUIET_MS
    wake()
    expect(sources).toHaveLength(2)
    sources[1]!.open()
    expect(reconnects).toBe(1)
    handle.close()
  })
})

describe('followNotificationsAcrossTabs: onReconnect', () => {
  it('reaches the tabs that do not follow the stream too', async () => {
    const channels = new Set<TabChannel>()
    let lockTaken = false
    const coordination: TabCoordination = {
      // The first tab to ask holds the lock for good; the others wait.
      requestLock: (_name, _signal, hold) => {
        if (lockTaken) return new Promise(() => {})
        lockTaken = true
        return hold()
      },
      openChannel: () => {
        const channel: TabChannel = {
          onmessage: null,
          postMessage: message => channels.forEach(other => other !== channel && other.onmessage?.({ data: structuredClone(message) } as MessageEvent)),
          close: () => channels.delete(channel),
        }
        channels.add(channel)
        return channel
      },
      onFreeze: () => () => {},
    }
    const sources: FakeEventSource[] = []
    const reconnects = { leader: 0, other: 0 }
    const tab = (name: keyof typeof reconnects) => followNotificationsAcrossTabs({
      url: '/api/jobs/notifications',
      onNotification: () => {},
      onReconnect: () => reconnects[name]++,
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
      subscribeToWake: () => () => {},
    }, coordination)
    const leader = tab('leader')
    const other = tab('other')
    await Promise.resolve()
    expect(sources).toHaveLength(1)
    sources[0]!.open()
    sources[0]!.fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    sources[1]!.open()
    expect(reconnects).toEqual({ leader: 1, other: 1 })
    leader.close()
    other.close()
  })
})
