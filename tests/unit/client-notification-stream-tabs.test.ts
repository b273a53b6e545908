import { describe, expect, it } from 'vitest'
import type { JobNotification } from '../../app/lib/api-types'
import type { TabChannel, TabCoordination } from '../../app/lib/notification-stream-tabs'
import { followNotificationsAcrossTabs } from '../../app/lib/notification-stream-tabs'
import { FakeEventSource } from '../support/fake-event-source'

/** A browser's tabs: one Web Lock queue (first come, first served) and one broadcast hub. */
function fakeBrowser() {
  const waiting: Array<{ signal: AbortSignal, hold: () => Promise<void>, settle: (value?: unknown) => void, fail: (error: unknown) => void }> = []
  let held = false
  const channels = new Set<TabChannel>()
  const freezeCallbacks = new Set<() => void>()
  function grantNext(): void {
    if (held) return
    const next = waiting.shift()
    if (!next) return
    held = true
    void next.hold().then(() => {
      held = false
      next.settle()
      grantNext()
    })
  }
  const coordination: TabCoordination = {
    requestLock: (_name, signal, hold) => new Promise((settle, fail) => {
      const request = { signal, hold, settle, fail }
      signal.addEventListener('abort', () => {
        const index = waiting.indexOf(request)
        if (index >= 0) waiting.splice(index, 1)
        fail(new DOMException('aborted', 'AbortError'))
      })
      waiting.push(request)
      grantNext()
    }),
    openChannel: () => {
      const channel: TabChannel = {
        onmessage: null,
        // A BroadcastChannel delivers to every other channel of the name, never to its sender (structured clone).
        postMessage: message => channels.forEach(other => other !== channel && other.onmessage?.({ data: structuredClone(message) } as MessageEvent)),
        close: () => channels.delete(channel),
      }
      channels.add(channel)
      return channel
    },
    onFreeze: (callback) => {
      freezeCallbacks.add(callback)
      return () => freezeCallbacks.delete(callback)
    },
  }
  const sources: FakeEventSource[] = []
  /** The browser's clock (every tab's `now`). */
  let clock = 0
  /** Every tab's subscriptions to its wake signals. */
  const wakeSubscriptions = new Set<() => void>()
  /** `after`: where the tab's app says it was (the last id it had before it closed its stream). */
  function openTab({ onPosition, after, renew }: { onPosition?: (id: string) => void, after?: string, renew?: boolean } = {}) {
    const before = new Set(freezeCallbacks)
    const received: JobNotification[] = []
    const wakes = new Set<() => void>()
    const handle = followNotificationsAcrossTabs({
      url: '/api/jobs/notifications',
      onNotification: notification => received.push(notification),
      onPosition,
      after,
      renew,
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
      subscribeToWake: (wake) => {
        wakes.add(wake)
        wakeSubscriptions.add(wake)
        return () => {
          wakes.delete(wake)
          wakeSubscriptions.delete(wake)
        }
      },
      now: () => clock,
    }, coordination)
    const freeze = [...freezeCallbacks].find(callback => !before.has(callback))!
    /** This tab's wake signal (online, shown again, restored from the back/forward cache). */
    const wake = () => [...wakes].forEach(callback => callback())
    return { received, handle, freeze, wake }
  }
  const advance = (ms: number) => {
    clock += ms
  }
  return { sources, openTab, openSources: () => sources.filter(source => !source.closed), channels, freezeCallbacks, wakeSubscriptions, advance }
}

const ended = (id: number, jobId: string): JobNotification => ({ id, type: 'job-end', jobId, threadId: 't1', status: 'completed', title: 'A job', at: 1 })
function notify(source: FakeEventSource, notification: JobNotification) {
  const { type, ...data } = notification
  source.emit(type, data, String(notification.id))
}
const settle = () => new Promise(resolve => setTimeout(resolve, 0))

describe('notification stream shared by the tabs', () => {
  it('three tabs hold one EventSource, and each hears every notification once', async () => {
    const browser = fakeBrowser()
    const tabs = [browser.openTab(), browser.openTab(), browser.openTab()]
    await settle()
    expect(browser.openSources()).toHaveLength(1)
    notify(browser.openSources()[0]!, ended(1, 'job-a'))
    notify(browser.openSources()[0]!, ended(1, 'job-a'))
    notify(browser.openSources()[0]!, ended(2, 'job-b'))
    for (const tab of tabs) expect(tab.received.map(notification => notification.jobId)).toEqual(['job-a', 'job-b'])
    for (const tab of tabs) tab.handle.close()
    await settle()
    expect(browser.openSources()).toHaveLength(0)
    expect(browser.channels.size).toBe(0)
  })

  it('when the tab that follows the stream closes, the next one follows it, after the last notification seen', async () => {
    const browser = fakeBrowser()
    const first = browser.openTab()
    const second = browser.openTab()
    await settle()
    notify(browser.openSources()[0]!, ended(7, 'job-a'))
    first.handle.close()
    await settle()
    expect(browser.sources).toHaveLength(2)
    const next = browser.openSources()
    expect(next).toHaveLength(1)
    expect(next[0]!.url).toBe('/api/jobs/notifications?after=7')
    notify(next[0]!, ended(8, 'job-b'))
    expect(second.received.map(notification => notification.jobId)).toEqual(['job-a', 'job-b'])
    second.handle.close()
  })

  it('the next tab to follow the stream resumes from the first one\'s `stream-start` position when no notification came yet', async () => {
    const browser = fakeBrowser()
    const first = browser.openTab()
    const second = browser.openTab()
    await settle()
    browser.openSources()[0]!.emit('stream-start', { type: 'stream-start', id: 5_000 }, '5000')
    first.handle.close()
    await settle()
    expect(browser.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications?after=5000'])
    expect(second.received).toEqual([])
    second.handle.close()
  })

  it('a tab that does not follow the stream reports the position it is told (`onPosition`), as the one that follows it does', async () => {
    const browser = fakeBrowser()
    const positions: string[][] = [[], []]
    const first = browser.openTab({ onPosition: id => positions[0]!.push(id) })
    const second = browser.openTab({ onPosition: id => positions[1]!.push(id) })
    await settle()
    browser.openSources()[0]!.emit('stream-start', { type: 'stream-start', id: 5_000 }, '5000')
    // The second tab's app keeps it: opened again after every tab closed its stream, it resumes there.
    expect(positions).toEqual([['5000'], ['5000']])
    first.handle.close()
    second.handle.close()
  })

  it('a tab opened after the last notification learns its id from the others, and takes over from there', async () => {
    const browser = fakeBrowser()
    const first = browser.openTab()
    await settle()
    notify(browser.openSources()[0]!, ended(7, 'job-a'))
    // The stream breaks and waits out its delay; meanwhile a new tab opens, and the first one closes.
    browser.openSources()[0]!.fail()
    const second = browser.openTab()
    await settle()
    first.handle.close()
    await settle()
    expect(browser.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications?after=7'])
    expect(second.received).toEqual([])
    second.handle.close()
  })

  it('a tab that opens again after the last notification it had hears from the other tabs what it missed meanwhile', async () => {
    const browser = fakeBrowser()
    const first = browser.openTab()
    const second = browser.openTab()
    await settle()
    notify(browser.openSources()[0]!, ended(7, 'job-a'))
    // The second tab's page no longer uses the stream (its app keeps the last id, 7), then does again.
    second.handle.close()
    notify(browser.openSources()[0]!, ended(8, 'job-b'))
    notify(browser.openSources()[0]!, ended(9, 'job-c'))
    // A job that ended and was deleted meanwhile: only its deletion is told, as the server's replay does.
    notify(browser.openSources()[0]!, ended(10, 'job-d'))
    notify(browser.openSources()[0]!, { id: 11, type: 'job-deleted', jobId: 'job-d', threadId: 't1' } as JobNotification)
    // A tab opened since: what came before it is not its news.
    const third = browser.openTab()
    const again = browser.openTab({ after: '7' })
    await settle()
    expect(again.received.map(notification => `${notification.type}:${notification.jobId}`)).toEqual(['job-end:job-b', 'job-end:job-c', 'job-deleted:job-d'])
    expect(first.received.map(notification => notification.jobId)).toEqual(['job-a', 'job-b', 'job-c', 'job-d', 'job-d'])
    expect(third.received).toEqual([])
    third.handle.close()
    expect(browser.openSources()).toHaveLength(1)
    // It moves on from the newest it had, not back: the next tab to follow the stream resumes there.
    first.handle.close()
    await settle()
    expect(browser.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications?after=11'])
    again.handle.close()
  })

  it('a tab that opens again is not asked a question answered or ended meanwhile (as the server\'s replay)', async () => {
    const browser = fakeBrowser()
    const first = browser.openTab()
    const second = browser.openTab()
    await settle()
    notify(browser.openSources()[0]!, ended(7, 'job-a'))
    second.handle.close()
    const asked = (id: number, jobId: string, requestId: string): JobNotification => ({ id, type: 'input-request', jobId, threadId: 't1', status: 'waiting', title: 'A job', requestId, prompt: 'ok?', at: 1 })
    notify(browser.openSources()[0]!, asked(8, 'job-q', 'r1'))
    notify(browser.openSources()[0]!, { id: 9, type: 'input-answered', jobId: 'job-q', threadId: 't1', status: 'running', title: 'A job', requestId: 'r1', at: 1 })
    notify(browser.openSources()[0]!, asked(10, 'job-r', 'r2'))
    notify(browser.openSources()[0]!, ended(11, 'job-r'))
    notify(browser.openSources()[0]!, asked(12, 'job-s', 'r3'))
    const again = browser.openTab({ after: '7' })
    await settle()
    // Still open: job-s's question. The others were answered, or their job ended.
    expect(again.received.map(notification => `${notification.type}:${notification.jobId}`)).toEqual(['input-answered:job-q', 'job-end:job-r', 'input-request:job-s'])
    first.handle.close()
    again.handle.close()
  })

  it('a tab about to be frozen hands the stream to the next tab and queues up again', async () => {
    const browser = fakeBrowser()
    const first = browser.openTab()
    const second = browser.openTab()
    await settle()
    notify(browser.openSources()[0]!, ended(3, 'job-a'))
    first.freeze()
    await settle()
    expect(browser.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications?after=3'])
    notify(browser.openSources()[0]!, ended(4, 'job-b'))
    expect(first.received.map(notification => notification.jobId)).toEqual(['job-a', 'job-b'])
    // The second tab goes: the first (back from its freeze) follows the stream again.
    second.handle.close()
    await settle()
    expect(browser.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications?after=4'])
    first.handle.close()
    await settle()
    expect(browser.openSources()).toHaveLength(0)
    expect(browser.freezeCallbacks.size).toBe(0)
  })

  it('a wake signal in a tab that does not follow the stream (the one the user looks at) reaches the tab that does: its quiet stream is reopened after the last id', async () => {
    const browser = fakeBrowser()
    const leader = browser.openTab()
    const shown = browser.openTab()
    await settle()
    notify(browser.openSources()[0]!, ended(5, 'job-a'))
    // The laptop slept: the stream may have died without an error, and the leader's tab stays hidden.
    browser.advance(60_000)
    shown.wake()
    expect(browser.sources[0]!.closed).toBe(true)
    expect(browser.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications?after=5'])
    notify(browser.openSources()[0]!, ended(6, 'job-b'))
    expect(shown.received.map(notification => notification.jobId)).toEqual(['job-a', 'job-b'])
    // The leader's own signal still works, and every tab's signals wake one stream at most.
    browser.advance(60_000)
    leader.wake()
    shown.wake()
    expect(browser.sources).toHaveLength(3)
    expect(browser.openSources().map(source => source.url)).toEqual(['/api/jobs/notifications?after=6'])
    leader.handle.close()
    shown.handle.close()
    await settle()
    expect(browser.openSources()).toHaveLength(0)
    expect(browser.wakeSubscriptions.size).toBe(0)
  })

  it('a tab opened again to renew the stream (the app cleared its state: another user may be signed in) makes the tab that follows it open it again, and gets none of what the tabs kept', async () => {
    const browser = fakeBrowser()
    const leader = browser.openTab()
    const other = browser.openTab()
    await settle()
    const before = browser.openSources()[0]!
    notify(before, ended(7, 'job-a'))
    other.handle.close()
    const renewed = browser.openTab({ renew: true, after: '5' })
    await settle()
    expect(before.closed).toBe(true)
    const now = browser.openSources()
    expect(now).toHaveLength(1)
    expect(now[0]!.url).toBe('/api/jobs/notifications?after=7')
    expect(renewed.received).toEqual([])
    notify(now[0]!, ended(8, 'job-b'))
    expect(renewed.received.map(notification => notification.jobId)).toEqual(['job-b'])
    expect(leader.received.map(notification => notification.jobId)).toEqual(['job-a', 'job-b'])
    leader.handle.close()
    renewed.handle.close()
    await settle()
    expect(browser.openSources()).toHaveLength(0)
  })

  it('a tab closed while it waits for its turn never opens a stream', async () => {
    const browser = fakeBrowser()
    const first = browser.openTab()
    const second = browser.openTab()
    await settle()
    second.handle.close()
    first.handle.close()
    await settle()
    expect(browser.sources).toHaveLength(1)
    expect(browser.openSources()).toHaveLength(0)
  })

  it('without Web Locks (no secure context) each tab follows its own stream', () => {
    const sources: FakeEventSource[] = []
    const handles = [1, 2].map(() => followNotificationsAcrossTabs({
      url: '/api/jobs/notifications',
      onNotification: () => {},
      createEventSource: (url) => {
        const source = new FakeEventSource(url)
        sources.push(source)
        return source
      },
      subscribeToWake: () => () => {},
    }, null))
    expect(sources).toHaveLength(2)
    handles.forEach(handle => handle.close())
  })
})
