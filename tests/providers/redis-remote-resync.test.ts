/**
 * A viewer on another instance than the job's owner that stalled and lost frames is resynced from
 * the store: while the store is read, live events must wait behind the catch-up. Written ahead of
 * it they came twice and out of order (the catch-up, read a moment later, holds them too).
 */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest'
import type { StreamPosition } from '../../shared/event-id'
import type { JobEvent } from '../../shared/events'
import type { JobState } from '../../shared/reducer'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { JobRunners } from '../../server/lib/engine-types'
import type { ViewerFrame, ViewerSink } from '../../server/lib/viewer'
import { chatRequest } from '../support/engine-harness'
import { createRedisEngines } from '../support/redis-engines'
import type { RedisServer } from '../support/redis-server'
import { startRedisServer } from '../support/redis-server'

let redis: RedisServer
const engines = createRedisEngines()

beforeAll(async () => {
  redis = await startRedisServer()
})
afterEach(async () => {
  await engines.stopAll()
})
afterAll(async () => {
  await redis?.stop()
})

/** A chat runner that writes what the test says, until told to finish. */
function createTalkingRunner() {
  let say: (text: string) => void = () => {}
  let finish!: () => void
  const finished = new Promise<void>(resolve => (finish = resolve))
  const chat: JobRunners['chat'] = async (context) => {
    say = text => context.text(text)
    await finished
  }
  return { chat, say: (text: string) => say(text), finish }
}

/** A sink whose client can stop draining (live frames dropped, catch-ups written). */
function createStallingSink() {
  const frames: ViewerFrame[] = []
  let written: StreamPosition | null = null
  const sink = {
    frames,
    stalled: false,
    dropped: 0,
    send(frame: ViewerFrame, options?: { catchUp?: boolean }) {
      if (sink.stalled && !options?.catchUp) {
        sink.dropped++
        return
      }
      frames.push(structuredClone(frame))
      written = { seq: frame.id, epoch: frame.epoch ?? 1 }
    },
    comment() {},
    close() {},
    drain() {
      sink.stalled = false
      sink.onResyncNeeded?.(written)
    },
    onResyncNeeded: undefined as ViewerSink['onResyncNeeded'],
    text(): string {
      let state: JobState | null = null
      for (const frame of frames) {
        state = frame.event === 'snapshot' ? frame.data as JobState : reduceEvents(state ?? createJobState({ id: 'x', type: 'chat', createdAt: 0 }), [frame.data as JobEvent])
      }
      return state?.content ?? ''
    },
  } satisfies ViewerSink & Record<string, unknown>
  return sink
}

it('a remote viewer resynced from the store gets live events only after the catch-up, once each and in order', async () => {
  const keyPrefix = `remote-resync-${process.pid}:`
  const runner = createTalkingRunner()
  // B's reads of the job's log wait while `held` (the resync's read of the store).
  let held: Promise<void> | null = null
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', chat: runner.chat, config: { persist: { intervalMs: 0 } } })
  const b = await engines.start({
    url: redis.url,
    keyPrefix,
    instanceId: 'b',
    wrapProvider: provider => Object.assign(Object.create(provider) as typeof provider, {
      readEvents: async (id: string, after: number) => {
        if (held) await held
        return await provider.readEvents(id, after)
      },
    }),
  })
  const { job } = await a.engine.createJob('u1', { request: chatRequest })
  const stored = async () => (await a.provider.getState(job.id))?.content ?? ''
  runner.say('one ')
  await expect.poll(stored).toBe('one ')
  const sink = createStallingSink()
  await b.engine.attachViewer('u1', job.id, sink, null)
  expect(sink.text()).toBe('one ')

  // The client stops draining: what comes now is dropped.
  sink.stalled = true
  runner.say('two ')
  await expect.poll(() => sink.dropped).toBeGreaterThan(0)

  // It drains; the resync reads the store, which answers only once the next text was delivered live.
  let release!: () => void
  held = new Promise<void>(resolve => (release = resolve))
  sink.drain()
  const heard = new Promise<void>((resolve) => {
    const stop = b.provider.subscribe(job.id, (events) => {
      if (!events.some(event => event.type === 'text-delta' && event.text.includes('three'))) return
      stop()
      resolve()
    })
  })
  runner.say('three ')
  await heard
  await new Promise(resolve => setImmediate(resolve))
  held = null
  release()

  await expect.poll(() => sink.text()).toBe('one two three ')
  const seqs = sink.frames.map(frame => frame.id)
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
  expect(new Set(seqs).size).toBe(seqs.length)
  runner.finish()
  await a.engine.whenSettled(job.id)
})
