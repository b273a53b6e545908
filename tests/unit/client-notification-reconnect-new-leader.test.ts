/**
 * Across tabs, one tab follows the notification stream and tells the others when it opened again
 * after a break (`onReconnect`). When that tab closed (or froze) while the server was away, the
 * next tab took the stream over with a first open — no reconnect — so no tab heard that the server
 * was back: a list whose refresh failed meanwhile stayed "Couldn’t reach the server" until a click.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { TabChannel, TabCoordination } from '../../app/lib/notification-stream-tabs'
import { followNotificationsAcrossTabs } from '../../app/lib/notification-stream-tabs'
import { NOTIFICATIONS_REOPEN_BASE_DELAY_MS } from '../../app/lib/notification-stream'
import { FakeEventSource } from '../support/fake-event-source'

beforeEach(() => vi.useFakeTimers())
afterEach(() => vi.useRealTimers())

/** Web Locks as a queue (the next tab in line gets the lock when its holder lets go) and a BroadcastChannel. */
function fakeTabs(): TabCoordination {
  const channels = new Set<TabChannel>()
  const queue: Array<() => void> = []
  let held = false
  const next = () => {
    const grant = queue.shift()
    if (grant) grant()
    else held = false
  }
  return {
    requestLock: (_name, signal, hold) => new Promise<void>((resolve, reject) => {
      const grant = () => {
        held = true
        void hold().then(() => {
          resolve()
          next()
        })
      }
      signal.addEventListener('abort', () => {
        const at = queue.indexOf(grant)
        if (at !== -1) {
          queue.splice(at, 1)
          reject(new Error('aborted'))
        }
      })
      if (held) queue.push(grant)
      else grant()
    }),
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
}

describe('followNotificationsAcrossTabs: the tab following the stream closes while the server is away', () => {
  it('the tab that takes it over says the server is back when its stream opens', async () => {
    const coordination = fakeTabs()
    const sources: FakeEventSource[] = []
    let reconnects = 0
    const tab = (onReconnect: () => void) => followNotificationsAcrossTabs({
      url: '/api/jobs/notifications',
      onNotification: () => {},
      onReconnect,
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
      subscribeToWake: () => () => {},
    }, coordination)
    const leader = tab(() => {})
    const other = tab(() => reconnects++)
    await Promise.resolve()
    expect(sources).toHaveLength(1)
    sources[0]!.open()
    // The server goes away; the tab following the stream is closed while it waits to reopen.
    sources[0]!.fail()
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(sources).toHaveLength(2)
    // The server is back: the other tab's stream opens.
    sources[1]!.open()
    expect(reconnects).toBe(1)
    // A later break and reopen: once more, not twice.
    sources[1]!.fail()
    vi.advanceTimersByTime(NOTIFICATIONS_REOPEN_BASE_DELAY_MS)
    sources[2]!.open()
    expect(reconnects).toBe(2)
    other.close()
  })

  it('a tab opened after the break is told of it, and says the server is back when it takes the stream over', async () => {
    const coordination = fakeTabs()
    const sources: FakeEventSource[] = []
    let reconnects = 0
    const tab = (onReconnect: () => void) => followNotificationsAcrossTabs({
      url: '/api/jobs/notifications',
      onNotification: () => {},
      onReconnect,
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
      subscribeToWake: () => () => {},
    }, coordination)
    const leader = tab(() => {})
    await Promise.resolve()
    sources[0]!.open()
    sources[0]!.fail()
    // A tab opened while the server is away (its own reads fail too), then the leader closes.
    const late = tab(() => reconnects++)
    leader.close()
    await vi.advanceTimersByTimeAsync(0)
    expect(sources).toHaveLength(2)
    sources[1]!.open()
    expect(reconnects).toBe(1)
    late.close()
  })
})
