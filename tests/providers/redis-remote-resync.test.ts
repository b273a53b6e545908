/**
 * A viewer on another instance than the job's owner that stalled and lost frames is resynced from
 * the store: while the store is read, live events must wait behind the catch-up. Written ahead of
 * it they came twice and out of order (the catch-up, read a moment later, holds them too).
 */
import { expect, it } from 'vitest'
import type { JobRunners } from '../../server/lib/engine-types'
import { createStallingSink } from '../support/stalling-sink'
import { chatRequest } from '../support/engine-harness'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()


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
  expect(sink.state()?.content).toBe('one ')

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

  await expect.poll(() => sink.state()?.content).toBe('one two three ')
  const seqs = sink.frames.map(frame => frame.id)
  expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
  expect(new Set(seqs).size).toBe(seqs.length)
  runner.finish()
  await a.engine.whenSettled(job.id)
})
