/**
 * A viewer on an instance that does not run the job follows it through one provider subscription
 * per job (remote-feeds.ts). The feed was registered before `subscribe` was called: a subscribe
 * that threw at once (the client closed, a bug) failed that viewer's request, but left the feed
 * registered with nothing behind it — counted in `remoteFeeds` for good, and every later viewer of
 * the job on that instance joined it and got its catch-up, then nothing more (no live tail, no
 * `job-end`), however long the job ran. Now nothing is left behind: the next viewer opens a feed
 * of its own and follows the job to its end.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobProvider } from '../../server/lib/providers/types'
import { createRecordingSink, wait } from '../support/engine-harness'
import { createBackend } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

describe('a job subscription that throws as a viewer follows a job run elsewhere', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('fails that viewer only; the next one follows the job to its end', async () => {
    const backend = createBackend()
    let throwing = true
    const flakySubscribe = (provider: JobProvider): JobProvider => Object.assign(Object.create(provider) as JobProvider, {
      subscribe: (...args: Parameters<NonNullable<JobProvider['subscribe']>>) => {
        if (throwing) throw new Error('the subscription client is closed')
        return provider.subscribe!(...args)
      },
    })
    const a = createEngineNode(backend, { instanceId: 'A', config, chat: async (context) => {
      for (let index = 0; index < 10; index++) {
        context.text(`w${index} `)
        await wait(200, context.signal)
      }
    } })
    const b = createEngineNode(backend, { instanceId: 'B', config, wrap: flakySubscribe })
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(300)

    await expect(b.engine.attachViewer('u1', job.id, createRecordingSink(), null)).rejects.toThrow('the subscription client is closed')
    expect(b.engine.stats()).toMatchObject({ remoteFeeds: 0, viewers: 0 })

    throwing = false
    const sink = createRecordingSink()
    await b.engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(3_000)
    await b.facade.settled()
    expect(sink.frames.at(-1)?.event).toBe('job-end')
    expect(sink.state()).toMatchObject({ status: 'completed', content: 'w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 ' })
    expect(b.engine.stats()).toMatchObject({ remoteFeeds: 0, viewers: 0 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
