import { afterEach, describe, expect, it, vi } from 'vitest'
import { FUNCTIONS_VERSION } from '../../convex/version'
import { type ConvexFacade, ConvexPackageMissingError, createConvexClientFacade } from '../../server/lib/providers/convex-facade'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { ConvexSecretMissingError, ConvexUrlMissingError, createConvexProvider } from '../../server/lib/providers/convex'
import { createMetrics } from '../../server/lib/metrics'

const SECRET = 'facade-test-secret-0123456789abcdef'

/** A stand-in for `ConvexClient` that records what the facade asks of it. */
class FakeConvexClient {
  static instances: FakeConvexClient[] = []
  /** When set, every `onUpdate` is answered with it at once (as the client does with a result it holds). */
  static answer: { value: unknown } | null = null
  calls: Array<[string, unknown, unknown]> = []
  listeners: Array<{ args: unknown, callback: (value: unknown) => void, stopped: boolean }> = []
  closed = false
  /** What `connectionState()` reports, and who follows its changes. */
  connection = { connectionCount: 1 }
  connectionListeners: Array<(state: { connectionCount: number }) => void> = []
  constructor(readonly url: string) {
    FakeConvexClient.instances.push(this)
  }

  async query(name: unknown, args: unknown) {
    this.calls.push(['query', name, args])
    return { answer: 42 }
  }

  async mutation(name: unknown, args: unknown) {
    this.calls.push(['mutation', name, args])
    return null
  }

  onUpdate(name: unknown, args: unknown, callback: (value: unknown) => void, _onError?: (error: Error) => void) {
    this.calls.push(['onUpdate', name, args])
    const listener = { args, callback, stopped: false }
    this.listeners.push(listener)
    // A deployment with this version's functions answers the boot check (provider.ready()).
    const answer = name === 'health:check' ? { value: { version: FUNCTIONS_VERSION } } : FakeConvexClient.answer
    if (answer) queueMicrotask(() => listener.stopped || callback(answer.value))
    return () => {
      listener.stopped = true
    }
  }

  async close() {
    this.closed = true
  }

  connectionState() {
    return { ...this.connection }
  }

  subscribeToConnectionState(callback: (state: { connectionCount: number }) => void) {
    this.connectionListeners.push(callback)
    return () => {
      this.connectionListeners = this.connectionListeners.filter(each => each !== callback)
    }
  }

  /** The WebSocket opened again `times` times. */
  reconnect(times = 1) {
    this.connection.connectionCount += times
    for (const listener of [...this.connectionListeners]) listener(this.connectionState())
  }
}

describe('convex client facade', () => {
  afterEach(() => {
    vi.doUnmock('convex/browser')
    FakeConvexClient.instances = []
    FakeConvexClient.answer = null
  })

  it('fails at boot without a deployment URL, naming the variable', () => {
    expect(() => createConvexProvider({ url: '', secret: SECRET })).toThrow(ConvexUrlMissingError)
    expect(() => createConvexProvider({ url: '', secret: SECRET })).toThrow(/NUXT_BACKGROUND_JOBS_CONVEX_URL/)
  })

  it('fails at boot without the servers\' secret, naming the variable', () => {
    expect(() => createConvexProvider({ url: 'https://example.convex.cloud', secret: '' })).toThrow(ConvexSecretMissingError)
    expect(() => createConvexProvider({ url: 'https://example.convex.cloud', secret: '' })).toThrow(/NUXT_BACKGROUND_JOBS_CONVEX_SECRET/)
  })

  it('names the missing package when `convex` cannot be imported', async () => {
    vi.doMock('convex/browser', () => {
      throw new Error('Cannot find package \'convex\'')
    })
    const provider = createConvexProvider({ url: 'https://example.convex.cloud', secret: SECRET })
    // `ready()` lets the boot fail early; every call fails the same way.
    await expect(provider.ready()).rejects.toThrow(ConvexPackageMissingError)
    await expect(provider.get('job-1')).rejects.toThrow(ConvexPackageMissingError)
    await expect(provider.get('job-1')).rejects.toThrow(/npm install convex/)
  })

  it('imports the client once, on first use, and forwards calls by function name with the secret', async () => {
    vi.doMock('convex/browser', () => ({ ConvexClient: FakeConvexClient }))
    FakeConvexClient.answer = { value: 0 }
    const facade = createConvexClientFacade('https://example.convex.cloud', SECRET)
    expect(FakeConvexClient.instances).toHaveLength(0)
    const provider = createConvexProvider({ facade })
    await provider.ready()
    await provider.countActive({ userId: 'user-1' })
    await provider.claimLease!('job-1', 'instance-a', 1_000)
    const [client] = FakeConvexClient.instances
    expect(FakeConvexClient.instances).toHaveLength(1)
    expect(client!.url).toBe('https://example.convex.cloud')
    expect(client!.calls).toEqual([
      // A query the provider makes goes through onUpdate, so it can be dropped at its time limit.
      ['onUpdate', 'health:check', { secret: SECRET }],
      ['onUpdate', 'jobs:countActive', { userId: 'user-1', secret: SECRET }],
      ['mutation', 'leases:claimLease', { jobId: 'job-1', instanceId: 'instance-a', leaseMs: 1_000, secret: SECRET }],
    ])
  })

  it('counts each reconnect of the client\'s WebSocket in subscription_reconnects_total{provider="convex"}, not its first connection; stops at dispose', async () => {
    vi.doMock('convex/browser', () => ({ ConvexClient: FakeConvexClient }))
    const metrics = createMetrics()
    const reconnects = () => metrics.snapshot().counters['subscription_reconnects_total{provider="convex"}'] ?? 0
    const provider = createConvexProvider({ facade: createConvexClientFacade('https://example.convex.cloud', SECRET), metrics })
    await provider.ready()
    const [client] = FakeConvexClient.instances
    expect(client!.connectionListeners).toHaveLength(1)
    // A state change without a new WebSocket (a request in flight) is no reconnect.
    client!.reconnect(0)
    expect(reconnects()).toBe(0)
    client!.reconnect()
    expect(reconnects()).toBe(1)
    // Two reconnects between state reports count as two.
    client!.reconnect(2)
    expect(reconnects()).toBe(3)
    await provider.dispose()
    client!.reconnect()
    expect(reconnects()).toBe(3)
  })

  it('drops a one-shot query from the client when its caller gives up (the client would keep it until the reconnect)', async () => {
    vi.doMock('convex/browser', () => ({ ConvexClient: FakeConvexClient }))
    const facade = createConvexClientFacade('https://example.convex.cloud', SECRET)
    await facade.ready!()
    const [client] = FakeConvexClient.instances
    const answered = facade.query('jobs:get' as never, { jobId: 'a' } as never, { signal: new AbortController().signal })
    await vi.waitFor(() => expect(client!.listeners).toHaveLength(1))
    client!.listeners[0]!.callback({ jobId: 'a' })
    expect(await answered).toEqual({ jobId: 'a' })
    expect(client!.listeners[0]!.stopped).toBe(true)

    const giveUp = new AbortController()
    const abandoned = facade.query('jobs:get' as never, { jobId: 'b' } as never, { signal: giveUp.signal }).catch((error: unknown) => error)
    await vi.waitFor(() => expect(client!.listeners).toHaveLength(2))
    giveUp.abort(new Error('timed out'))
    expect(await abandoned).toMatchObject({ message: 'timed out' })
    expect(client!.listeners[1]!.stopped).toBe(true)
  })

  it('gives up on a query at its time limit, so the client drops it', async () => {
    vi.useFakeTimers()
    try {
      const signals: AbortSignal[] = []
      const silent: ConvexFacade = {
        query: (_query, _args, options) => {
          signals.push(options!.signal!)
          return new Promise(() => {})
        },
        mutation: () => new Promise(() => {}),
        subscribe: () => () => {},
      }
      const provider = createConvexProvider({ facade: silent, timeoutMs: 1_000 })
      const failed = provider.get('job-1').catch((error: unknown) => error)
      await vi.advanceTimersByTimeAsync(1_000)
      expect(await failed).toBeInstanceOf(ProviderUnavailableError)
      expect(signals.map(signal => signal.aborted)).toEqual([true])
    }
    finally {
      vi.useRealTimers()
    }
  })

  it('subscribes through onUpdate, and a subscription stopped before the client loaded never starts', async () => {
    vi.doMock('convex/browser', () => ({ ConvexClient: FakeConvexClient }))
    const facade = createConvexClientFacade('https://example.convex.cloud', SECRET)
    const updates: unknown[] = []
    const stopEarly = facade.subscribe('events:readEvents' as never, { jobId: 'a' } as never, value => updates.push(value))
    stopEarly()
    const stop = facade.subscribe('events:readEvents' as never, { jobId: 'b' } as never, value => updates.push(value))
    await facade.query('jobs:get' as never, { jobId: 'b' } as never)
    const [client] = FakeConvexClient.instances
    expect(client!.listeners.map(listener => listener.args)).toEqual([{ jobId: 'b', secret: SECRET }])
    client!.listeners[0]!.callback('result')
    expect(updates).toEqual(['result'])
    stop()
    expect(client!.listeners[0]!.stopped).toBe(true)
    await facade.close?.()
    expect(client!.closed).toBe(true)
  })
})
