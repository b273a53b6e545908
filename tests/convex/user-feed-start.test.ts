/**
 * A Convex user feed starts from the head of its first result: what the user's jobs did between
 * the call (a notification stream opening) and that result (a round trip to the deployment) was
 * taken as "before" and never handed on — a job of another instance that asked a question or ended
 * just then was never told to the tab. It now starts from the time of the call when that is
 * earlier, and still hands on nothing older.
 */
import { expect, it, vi } from 'vitest'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { createBackend, createInstance, endEvent, newJob, statusEvent } from './backend'

const T0 = 1_000_000

it('hands on a change committed after subscribeUserJobs but before the first result, and nothing older', async () => {
  vi.useFakeTimers({ now: T0, toFake: ['Date'] })
  try {
    const backend = createBackend()
    const a = createInstance(backend)
    // b's subscriptions reach the deployment only when released: the round trip of a real client.
    const held: Array<() => void> = []
    const b = createInstance(backend, {
      wrap: (facade): ConvexFacade => ({
        ...facade,
        subscribe(query, args, onUpdate, onError) {
          let stop: (() => void) | undefined
          let stopped = false
          held.push(() => {
            if (!stopped) stop = facade.subscribe(query, args, onUpdate, onError)
          })
          return () => {
            stopped = true
            stop?.()
          }
        },
      }),
    })
    /** Lets every held subscription through (one that subscribes afresh is held again), until still. */
    const release = async () => {
      while (held.length > 0) {
        held.splice(0).forEach(go => go())
        await b.facade.settled()
      }
    }
    const { record: old } = await a.provider.create(newJob({ userId: 'opening' }))
    await a.provider.appendEvents(old.id, [endEvent(1, 'completed')], { epoch: 1 })
    const { record: asking } = await a.provider.create(newJob({ userId: 'opening' }))
    await a.provider.appendEvents(asking.id, [statusEvent(1, 'running')], { epoch: 1 })

    vi.setSystemTime(T0 + 10_000)
    const seen: string[] = []
    const stop = b.provider.subscribeUserJobs('opening', records => seen.push(...records.map(item => `${item.id}:${item.status}`)))
    vi.setSystemTime(T0 + 10_050)
    await a.provider.appendEvents(asking.id, [statusEvent(2, 'waiting')], { epoch: 1 })
    await release()
    expect(seen).toEqual([`${asking.id}:waiting`])

    // Then live, once each.
    await a.provider.appendEvents(asking.id, [statusEvent(3, 'running')], { epoch: 1 })
    await release()
    expect(seen).toEqual([`${asking.id}:waiting`, `${asking.id}:running`])
    stop()
    await b.provider.dispose()
  }
  finally {
    vi.useRealTimers()
  }
})
