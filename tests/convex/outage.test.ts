/**
 * Convex unreachable for a while (the fault-injecting facade; time is fake): calls fail within the
 * timeout with a 503 naming Convex instead of hanging; a write that timed out is delivered once
 * after the reconnect and its retry stores nothing twice; a running job keeps streaming to its
 * local viewer, its owner serves reads and new viewers of it while its lease surely holds, and everything is stored after the reconnect; an owner cut off past its lease
 * cannot write once another instance took the job over.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRecordingSink, wait } from '../support/engine-harness'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { toHttpError } from '../../server/lib/http/handler'
import type { JobEvent } from '../../shared/events'
import { createBackend, createInstance, newJob, statusEvent, textDeltas, type Backend } from './backend'
import { createEngineNode } from './engine-node'
import { createFaultyFacade, type FaultyFacade } from './fault-facade'

// The route helpers import Nitro's runtime, which only exists in a built server; nothing here uses it.
vi.mock('nitropack/runtime', () => ({ useNitroApp: () => ({ hooks: { callHook: async () => {} } }) }))

const TIMEOUT_MS = 10_000
const OUTAGE_MS = 30_000
const config = resolveConfig({ scripted: { enabled: true }, convexTimeoutMs: TIMEOUT_MS, lease: { durationMs: 3_000, heartbeatMs: 1_000 } })
const chat = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'hi' }] }

/** An instance whose connection can fail. */
function createFaultyInstance(backend: Backend) {
  let faulty!: FaultyFacade
  const { provider } = createInstance(backend, { timeoutMs: TIMEOUT_MS, wrap: facade => (faulty = createFaultyFacade(facade)) })
  return { provider, faulty }
}

function createNode(backend: Backend, instanceId: string, chatRunner?: JobRunners['chat']) {
  let faulty!: FaultyFacade
  const node = createEngineNode(backend, { instanceId, config, chat: chatRunner, timeoutMs: TIMEOUT_MS, wrapFacade: facade => (faulty = createFaultyFacade(facade)) })
  return { ...node, faulty }
}

/** A runner emitting `count` words, one every `everyMs`. */
const words = (count: number, everyMs = 100) => async (context: Parameters<JobRunners['chat']>[0]) => {
  for (let index = 0; index < count; index++) {
    await wait(everyMs, context.signal)
    context.text(`w${index} `)
  }
}
const wordsText = (count: number) => Array.from({ length: count }, (_, index) => `w${index} `).join('')

/** The status and headers a route would answer with for `error`. */
function asRoute(error: unknown) {
  const headers: Record<string, unknown> = {}
  const event = { node: { res: { setHeader: (name: string, value: unknown) => { headers[name.toLowerCase()] = value } } } } as unknown as H3Event
  const http = toHttpError(event, error) as unknown as { statusCode: number, message: string }
  return { status: http.statusCode, message: http.message, retryAfter: headers['retry-after'] }
}

/** Settles `promise` and reports when, in fake milliseconds from now. */
async function settleTime<T>(promise: Promise<T>, stepMs = 500, limitMs = 60_000): Promise<{ value?: T, error?: unknown, elapsedMs: number }> {
  let outcome: { value?: T, error?: unknown } | null = null
  promise.then(value => (outcome = { value }), (error: unknown) => (outcome = { error }))
  let elapsed = 0
  while (!outcome && elapsed < limitMs) {
    await vi.advanceTimersByTimeAsync(stepMs)
    elapsed += stepMs
  }
  return { ...(outcome ?? {}), elapsedMs: elapsed }
}

/** Moves fake time on in small steps until `condition` holds (at most `limitMs`). */
async function until(condition: () => Promise<boolean>, stepMs = 100, limitMs = 10_000) {
  for (let elapsed = 0; !await condition(); elapsed += stepMs) {
    if (elapsed >= limitMs) throw new Error(`condition not met within ${limitMs} ms`)
    await vi.advanceTimersByTimeAsync(stepMs)
  }
}

function appendCalls(faulty: FaultyFacade) {
  return faulty.calls.filter(call => call.name === 'events:appendEvents')
}

describe('a Convex outage', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(1_000_000)
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('fails a call within the timeout with a 503 + Retry-After naming Convex, instead of hanging', async () => {
    const { provider, faulty } = createFaultyInstance(createBackend())
    const job = newJob()
    await provider.create(job)
    faulty.disconnect()
    const { error, elapsedMs } = await settleTime(provider.get(job.id))
    expect(error).toBeInstanceOf(ProviderUnavailableError)
    expect(elapsedMs).toBe(TIMEOUT_MS)
    expect(asRoute(error)).toEqual({
      status: 503,
      message: `Convex did not answer jobs:get within ${TIMEOUT_MS} ms: the job store is unreachable, retry shortly (NUXT_BACKGROUND_JOBS_CONVEX_TIMEOUT_MS)`,
      retryAfter: 5,
    })
    await faulty.reconnect()
    expect((await provider.get(job.id))?.id).toBe(job.id)
  })

  it('answers a call Convex failed (a conflict past its retries, an overloaded deployment) with a 503 naming Convex, not a 500', async () => {
    const backend = createBackend()
    const { provider, faulty } = createFaultyInstance(backend)
    const job = newJob()
    await provider.create(job)
    // What a production deployment sends for any error that is not a ConvexError.
    faulty.failNext('jobs:get', new Error('[CONVEX Q(jobs:get)] [Request ID: 3f1c] Server Error'))
    const failed = await provider.get(job.id).catch((error: unknown) => error)
    expect(failed).toBeInstanceOf(ProviderUnavailableError)
    // The client reads that the store did not answer; what Convex said is for the operator's log.
    expect((failed as Error).message).toBe('Convex failed jobs:get: [CONVEX Q(jobs:get)] [Request ID: 3f1c] Server Error; the job store could not answer, retry shortly')
    expect(asRoute(failed)).toEqual({ status: 503, message: 'The job store (Convex) could not answer; retry shortly', retryAfter: 5 })
    // A failed append did not commit: the retry sends the same events again, and they are stored once.
    faulty.failNext('events:appendEvents', new Error('[CONVEX M(events:appendEvents)] Server Error'))
    const events = [statusEvent(1, 'running'), ...textDeltas(2, ['Hi'])]
    expect(asRoute(await provider.appendEvents(job.id, events, { epoch: 1 }).catch((error: unknown) => error)).status).toBe(503)
    expect(await provider.appendEvents(job.id, events, { epoch: 1 })).toEqual({ ok: true, lastSeq: 2 })
    expect(appendCalls(faulty)).toHaveLength(2)
    expect((await provider.getState(job.id))?.content).toBe('Hi')
  })

  it('delivers a timed-out append once after the reconnect; the retries send nothing twice', async () => {
    const backend = createBackend()
    const { provider, faulty } = createFaultyInstance(backend)
    const job = newJob()
    await provider.create(job)
    faulty.disconnect()
    // The write-behind queue's first attempt: status + "Hel".
    const first = await settleTime(provider.appendEvents(job.id, [statusEvent(1, 'running'), ...textDeltas(2, ['Hel'])], { epoch: 1 }))
    expect(first.error).toBeInstanceOf(ProviderUnavailableError)
    // Its retry (the same events merged with newer ones) waits for the first attempt instead of sending again.
    const merged: JobEvent = { type: 'text-delta', seq: 3, fromSeq: 2, at: 2_001, offset: 0, text: 'Hello' }
    const second = await settleTime(provider.appendEvents(job.id, [statusEvent(1, 'running'), merged], { epoch: 1 }))
    expect(second.error).toBeInstanceOf(ProviderUnavailableError)
    expect(appendCalls(faulty)).toHaveLength(1)

    await faulty.reconnect() // the client resends the first attempt: it commits now
    const later: JobEvent = { type: 'text-delta', seq: 4, fromSeq: 2, at: 2_002, offset: 0, text: 'Hello world' }
    expect(await provider.appendEvents(job.id, [statusEvent(1, 'running'), later], { epoch: 1 })).toEqual({ ok: true, lastSeq: 4 })
    expect(appendCalls(faulty)).toHaveLength(2)
    // Only the part past what the first attempt stored was sent.
    expect(appendCalls(faulty)[1]!.args.batches).toEqual([JSON.stringify([{ type: 'text-delta', seq: 4, at: 2_002, offset: 3, text: 'lo world', fromSeq: 3 }])])
    const stored = (await provider.readEvents(job.id, 0))!.events
    expect(stored.map(event => [event.fromSeq ?? event.seq, event.seq])).toEqual([[1, 1], [2, 2], [3, 4]])
    expect((await provider.getState(job.id))?.content).toBe('Hello world')
  })

  it('a 30 s outage: routes 503 within the timeout, jobs stream on to local viewers and finish, nothing is lost after the reconnect', async () => {
    const backend = createBackend()
    // 60 s of words for "long" (it outlasts the outage), 15 s for "short" (it ends during it).
    const lengths: Record<string, number> = { long: 600, short: 150 }
    const a = createNode(backend, 'A', (context, request) => words(lengths[request.messages[0]!.content ?? ''] ?? 0)(context))
    const ask = (content: string) => ({ type: 'chat' as const, messages: [{ role: 'user' as const, content }] })
    const jobs = { long: (await a.engine.createJob('u1', { request: ask('long') })).job, short: (await a.engine.createJob('u1', { request: ask('short') })).job }
    const sinks = { long: createRecordingSink(), short: createRecordingSink() }
    for (const name of ['long', 'short'] as const) await a.engine.attachViewer('u1', jobs[name].id, sinks[name], null)
    await vi.advanceTimersByTimeAsync(5_000)

    a.faulty.disconnect()
    const framesBefore = sinks.long.frames.length
    // The owner answers a read of its own running job, and a new viewer of it, from memory while
    // its lease surely holds (docs/providers.md, "What an owner serves while the store is down").
    expect((await a.engine.getJob('u1', jobs.long.id)).state.status).toBe('running')
    const late = createRecordingSink()
    const attachment = await a.engine.attachViewer('u1', jobs.long.id, late, null)
    expect(late.frames[0]).toMatchObject({ event: 'snapshot', data: { status: 'running' } })
    attachment.detach()
    const routes = [
      a.engine.listJobs('u1'),
      a.engine.createJob('u1', { request: chat }),
    ].map(route => route.then(() => null, (error: unknown) => asRoute(error)))
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    for (const answer of await Promise.all(routes)) expect(answer).toMatchObject({ status: 503, retryAfter: 5, message: expect.stringMatching(/^Convex did not answer/) })
    // Past its lease (3 s) the owner no longer vouches for the job (another instance may have taken it over): the store decides.
    const pastLease = [
      a.engine.getJob('u1', jobs.long.id),
      a.engine.attachViewer('u1', jobs.long.id, createRecordingSink(), null),
    ].map(route => route.then(() => null, (error: unknown) => asRoute(error)))
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS)
    for (const answer of await Promise.all(pastLease)) expect(answer).toMatchObject({ status: 503, retryAfter: 5, message: expect.stringMatching(/^Convex did not answer/) })
    await vi.advanceTimersByTimeAsync(OUTAGE_MS - 2 * TIMEOUT_MS)
    // The local viewers saw the text go on the whole time; the short job's end waits for the store.
    expect(sinks.long.frames.length - framesBefore).toBeGreaterThan(250)
    expect(sinks.short.state()!.content).toBe(wordsText(lengths.short!))
    expect(sinks.short.frames.some(frame => frame.event === 'job-end')).toBe(false)

    await a.faulty.reconnect()
    await vi.advanceTimersByTimeAsync(30_000)
    for (const name of ['long', 'short'] as const) {
      await a.engine.whenSettled(jobs[name].id)
      const text = wordsText(lengths[name]!)
      expect(sinks[name].frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
      expect(sinks[name].state()).toMatchObject({ status: 'completed', content: text })
      const stored = (await a.provider.readEvents(jobs[name].id, 0))!
      expect(stored.complete).toBe(true)
      // Contiguous, each seq once: nothing lost, nothing stored twice.
      for (let index = 0; index < stored.events.length; index++) {
        expect(stored.events[index]!.fromSeq ?? stored.events[index]!.seq).toBe(index === 0 ? 1 : stored.events[index - 1]!.seq + 1)
      }
      expect(await a.provider.getState(jobs[name].id)).toMatchObject({ status: 'completed', content: text })
    }
    expect(a.engine.stats()).toMatchObject({ runs: 0, viewers: 0, jobTimers: 0 })
    await a.engine.dispose()
  })

  it('an owner cut off past its lease cannot append once another instance took the job over', async () => {
    const backend = createBackend()
    const a = createNode(backend, 'A', words(1_000))
    const b = createNode(backend, 'B')
    const { job } = await a.engine.createJob('u1', { request: chat })
    await vi.advanceTimersByTimeAsync(2_000)
    a.faulty.disconnect() // only A loses Convex
    await vi.advanceTimersByTimeAsync(OUTAGE_MS) // A's lease (3 s) lapses; B's recovery takes the job (epoch 2)
    await until(async () => (await b.provider.get(job.id))?.status === 'failed')
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', error: { code: 'owner-lost' } })
    const frozen = await b.provider.readEvents(job.id, 0)

    await a.faulty.reconnect() // A's waiting heartbeats and writes arrive: refused by epoch
    await vi.advanceTimersByTimeAsync(5_000)
    await a.engine.whenSettled(job.id)
    expect(a.engine.stats().runs).toBe(0)
    expect(await b.provider.readEvents(job.id, 0)).toEqual(frozen)
    expect((await b.provider.get(job.id))?.lease).toMatchObject({ instanceId: 'B', epoch: 2 })
    await Promise.all([a.engine.dispose(), b.engine.dispose()])
  })
})
