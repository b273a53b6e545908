/**
 * How long an abort or an answer sent to an instance that does not own the job waits for the
 * owner's reply before it gives up with a 503: `lease.durationMs` + 2 × `lease.heartbeatMs`
 * (forwarded-controls.ts ownerReplyTimeoutMs) — 25 s by default, the figure docs/providers.md,
 * docs/instances.md and docs/api.md state. Two engines share one memory provider whose controls
 * reach nobody (shared-memory.ts): the owner keeps its lease, so no takeover ends the wait; fake
 * timers count it from the config, for the default lease and a shorter one.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { JobRunners } from '../../server/lib/engine-types'
import { OwnerUnreachableError } from '../../server/lib/errors'
import { ownerReplyTimeoutMs } from '../../server/lib/forwarded-controls'
import { createMemoryProvider } from '../../server/lib/providers/memory'
import { chatRequest } from '../support/engine-harness'
import { readDoc } from '../support/docs-section'
import { createSharedMemoryEngine, sharedMemory } from '../support/shared-memory'

/** A chat that runs until it is stopped (its owner never sees the forwarded abort). */
const runsOn: JobRunners['chat'] = async (context) => {
  context.text('partial ')
  await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))
}

const DEFAULT = resolveConfig({ scripted: { enabled: true } })
const SHORT = resolveConfig({ scripted: { enabled: true }, lease: { durationMs: 6_000, heartbeatMs: 2_000 } })

beforeEach(() => {
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

/** An owner (`a`) and an instance that does not own its jobs (`b`), on one store. */
function twoInstances(config: typeof DEFAULT) {
  const store = createMemoryProvider()
  const a = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'a', config, chat: runsOn })
  const b = createSharedMemoryEngine({ provider: sharedMemory(store), instanceId: 'b', config })
  return { a, b }
}

/** Settles `request` into its outcome; `settled()` says whether it has. */
function watch(request: Promise<unknown>) {
  let outcome: { value: unknown } | null = null
  void request.then(value => (outcome = { value }), (error: unknown) => (outcome = { value: error }))
  return { settled: () => outcome !== null, outcome: () => outcome?.value }
}

describe('a request forwarded to an owner that does not answer', () => {
  it('waits lease.durationMs + 2 × lease.heartbeatMs: 25 s by default', () => {
    expect(ownerReplyTimeoutMs(DEFAULT)).toBe(DEFAULT.lease.durationMs + 2 * DEFAULT.lease.heartbeatMs)
    expect(ownerReplyTimeoutMs(DEFAULT)).toBe(25_000)
  })

  it.each([
    ['the default lease', DEFAULT],
    ['a 6 s lease with 2 s heartbeats', SHORT],
  ])('an abort, with %s: still waiting a millisecond before that wait, a 503 at its end', async (_name, config) => {
    const waitMs = ownerReplyTimeoutMs(config)
    const { a, b } = twoInstances(config)
    const { job } = await a.createJob('u1', { request: chatRequest })
    await vi.advanceTimersByTimeAsync(10)
    const abort = watch(b.abortJob('u1', job.id))
    await vi.advanceTimersByTimeAsync(waitMs - 1)
    expect(abort.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(abort.outcome()).toBeInstanceOf(OwnerUnreachableError)
    expect(abort.outcome()).toMatchObject({ statusCode: 503, message: `The server running job ${job.id} did not answer within ${waitMs} ms; retry shortly`, retryAfterSeconds: config.lease.heartbeatMs / 1000 })
    // The owner never heard of it: the job runs on.
    expect((await a.getJob('u1', job.id)).state.status).toBe('running')
    await Promise.all([a.dispose(), b.dispose()])
  })

  it('an answer: the same wait', async () => {
    const waitMs = ownerReplyTimeoutMs(DEFAULT)
    const { a, b } = twoInstances(DEFAULT)
    const { job } = await a.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    await vi.advanceTimersByTimeAsync(10)
    const [question] = (await a.getJob('u1', job.id)).state.pendingInputs
    const answer = watch(b.answerInput('u1', job.id, { requestId: question!.requestId, answer: { go: true } }))
    await vi.advanceTimersByTimeAsync(waitMs - 1)
    expect(answer.settled()).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(answer.outcome()).toMatchObject({ name: 'OwnerUnreachableError', statusCode: 503, message: expect.stringContaining(`did not answer within ${waitMs} ms`) })
    await Promise.all([a.dispose(), b.dispose()])
  })

  it('is the figure the docs state', () => {
    const seconds = `${ownerReplyTimeoutMs(DEFAULT) / 1000} s by default`
    for (const page of ['providers.md', 'instances.md', 'api.md']) {
      const text = readDoc(page).replace(/\s+/g, ' ')
      // Booleans: a failure names the page, not the whole page's text.
      expect(text.includes('`lease.durationMs` + 2 × `lease.heartbeatMs`'), `${page} names the sum`).toBe(true)
      expect(text.includes(seconds), `${page} says "${seconds}"`).toBe(true)
    }
  })
})
