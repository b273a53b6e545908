/**
 * An append the deployed Convex functions refuse for what it is — here an argument their validator
 * does not take, as after a deploy of the servers without the functions (a newer server's field) —
 * is a `ConvexRefusedError` (a `StoreRefusedError`): the persist queue gives it up instead of
 * retrying it every 5 s for ever. The job ends `failed` with `store-refused`, the text Convex took
 * kept, the end stored alone right after it (covering the seqs Convex never took), and the viewer
 * streamed the refused text brought back to the stored one. Run through the real `convex/` functions (convex-test).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { ConvexFacade } from '../../server/lib/providers/convex-facade'
import { isStoreRefusal } from '../../server/lib/providers/store-refused'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { clientState } from '../support/client-view'
import { recordingLogger } from '../support/recording-logger'
import { createBackend, createInstance, newJob, textDeltas } from './backend'
import { createEngineNode } from './engine-node'

const config = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })

/**
 * A connection that sends `events:appendEvents` with a field the deployed validator lacks whenever
 * the call carries `marker` in its events (a newer server's argument): Convex refuses it, every time.
 */
function newerServer(marker: string) {
  const calls = { refusable: 0, appends: 0 }
  const wrap = (facade: ConvexFacade): ConvexFacade => ({
    ...facade,
    query: facade.query.bind(facade),
    subscribe: facade.subscribe.bind(facade),
    mutation(reference, args, ...rest) {
      if ((reference as unknown as string) !== 'events:appendEvents') return facade.mutation(reference, args, ...rest)
      calls.appends++
      if (!JSON.stringify(args).includes(marker)) return facade.mutation(reference, args, ...rest)
      calls.refusable++
      return facade.mutation(reference, { ...args, format: 2 } as typeof args, ...rest)
    },
  })
  return { wrap, calls }
}

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('convex: an append the functions\' validator refuses', () => {
  it('throws a ConvexRefusedError that names the function, not the value sent', async () => {
    const backend = createBackend()
    const server = newerServer('secret-looking value')
    const { provider } = createInstance(backend, { wrap: server.wrap })
    const job = await provider.create(newJob())
    const error = await provider.appendEvents(job.record.id, textDeltas(1, ['secret-looking value']), { epoch: 1 }).then(() => null, (thrown: unknown) => thrown)
    expect(isStoreRefusal(error)).toBe(true)
    expect((error as Error).name).toBe('ConvexRefusedError')
    expect((error as Error).message).toContain('events:appendEvents')
    expect((error as Error).message).not.toContain('secret-looking value')
    // The same call is refused the same way: nothing was stored.
    expect(await provider.readEvents(job.record.id, 0)).toMatchObject({ events: [] })
    await provider.dispose()
  })

  it('ends the job failed with store-refused, the text Convex took kept and the end stored alone, without retrying', async () => {
    const backend = createBackend()
    const server = newerServer('zebra')
    const { logger, lines } = recordingLogger()
    const node = createEngineNode(backend, {
      instanceId: 'a',
      config,
      logger,
      wrapFacade: server.wrap,
      chat: async (context) => {
        context.text('Hello ')
        await new Promise(resolve => setTimeout(resolve, 1_000))
        context.text('zebra')
        await new Promise(resolve => setTimeout(resolve, 1_000))
        context.text(' more')
      },
    })
    const { job } = await node.engine.createJob('u1', { request: chatRequest })
    const sink = createRecordingSink()
    await node.engine.attachViewer('u1', job.id, sink, null)
    await vi.advanceTimersByTimeAsync(5_000)
    await node.engine.whenSettled(job.id)

    const stored = await node.provider.getState(job.id)
    expect(stored).toMatchObject({ status: 'failed', content: 'Hello ', error: { code: 'store-refused' } })
    expect(sink.frames.find(frame => frame.event === 'job-end')?.data).toMatchObject({ status: 'failed', error: { code: 'store-refused' } })
    // The viewer was streamed 'zebra': it ends on the stored text, at the stored end's seq (decision 54).
    expect(clientState(sink.frames)).toMatchObject({ status: 'failed', content: 'Hello ', seq: stored!.seq })
    expect(node.engine.stats()).toMatchObject({ runs: 0, jobTimers: 0 })
    expect(await node.provider.countActive({ userId: 'u1' })).toBe(0)
    expect(lines.filter(line => line.message.startsWith('the job store refused a write of the job for good'))).toHaveLength(1)
    // Sent once, never again.
    expect(server.calls.refusable).toBe(1)
    await vi.advanceTimersByTimeAsync(30_000)
    expect(server.calls.refusable).toBe(1)
    await node.engine.dispose()
    await node.provider.dispose()
  })
})
