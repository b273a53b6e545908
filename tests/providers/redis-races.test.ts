/**
 * Races between instances on one real redis-server (engines in one process, each over its own
 * Redis connections): an abort sent to a non-owner while the owner finishes, one answer arriving on
 * two instances at once, an answer at the moment the question times out, an abort during a
 * takeover, a viewer attaching while retention deletes the job. Each must end in one terminal
 * state, give each caller one outcome that matches it, and leave nothing behind. Each race runs
 * over several interleavings; what is checked holds for every one of them.
 */
import { z } from 'zod'
import { describe, expect, it } from 'vitest'
import type { JobEvent } from '../../shared/events'
import type { JobRunners } from '../../server/lib/engine-types'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { chatRequest, createRecordingSink } from '../support/engine-harness'
import { askWorkflow, useRedisEngines } from '../support/redis-engines'

const INTERLEAVINGS = 6
let prefixes = 0
const { redis, engines } = useRedisEngines()
const nextPrefix = () => `race-${process.pid}-${++prefixes}:`


/** Lets `turns` rounds of I/O callbacks run (a different interleaving per count; no timer). */
async function turns(count: number) {
  for (let index = 0; index < count; index++) await new Promise(resolve => setImmediate(resolve))
}

/** A chat runner that runs until released (then completes) or aborted. */
function createHeldRunner() {
  const releases: Array<() => void> = []
  const chat: JobRunners['chat'] = async (context) => {
    context.text('working')
    await new Promise<void>((resolve, reject) => {
      releases.push(resolve)
      context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true })
    })
  }
  return { chat, release: () => releases.splice(0).forEach(release => release()) }
}

/** Settles a promise into its outcome. */
function outcome<T>(promise: Promise<T>) {
  return promise.then(value => ({ ok: true as const, value }), (error: { statusCode?: number, name?: string }) => ({ ok: false as const, status: error.statusCode, name: error.name }))
}

async function storedEvents(instance: { provider: { readEvents: (id: string, after: number) => Promise<{ events: JobEvent[] } | null> } }, id: string) {
  return (await instance.provider.readEvents(id, 0))?.events ?? []
}

/** Waits until the job's stored state matches `status` (through a subscription, no polling). */
function storedStatus(instance: Awaited<ReturnType<typeof engines.start>>, id: string, status: string) {
  return new Promise<void>((resolve) => {
    const check = async () => {
      if ((await instance.provider.get(id))?.status === status) {
        stop()
        resolve()
      }
    }
    const stop = instance.provider.subscribe(id, () => void check(), { afterSeq: 0 })
    void check()
  })
}

/** Nothing left on an instance: no run, viewer, feed, timer, pending input or Redis follower. */
async function expectIdle(instance: Awaited<ReturnType<typeof engines.start>>) {
  await instance.provider.settled()
  expect(instance.engine.stats()).toMatchObject({ runs: 0, viewers: 0, remoteFeeds: 0, jobTimers: 0, pendingInputs: 0 })
  expect(instance.provider.followers()).toBe(0)
}

/** The id of the job's first input request, once it is stored (asked before this call or after). */
function askedRequest(instance: Awaited<ReturnType<typeof engines.start>>, id: string): Promise<string> {
  return new Promise<string>((resolve) => {
    const stop = instance.provider.subscribe(id, (events) => {
      const asked = events.find(event => event.type === 'input-request')
      if (!asked || asked.type !== 'input-request') return
      stop()
      resolve(asked.requestId)
    }, { afterSeq: 0 })
  })
}

/** The one pending request of a waiting workflow job. */
async function pendingRequest(instance: Awaited<ReturnType<typeof engines.start>>, id: string): Promise<string> {
  await storedStatus(instance, id, 'waiting')
  const state = await instance.provider.getState(id)
  return state!.pendingInputs[0]!.requestId
}

describe('redis: races between instances', () => {
  it('an abort sent to a non-owner while the owner finishes: one end, and the caller is told that end', async () => {
    for (let interleaving = 0; interleaving < INTERLEAVINGS; interleaving++) {
      const keyPrefix = nextPrefix()
      const runner = createHeldRunner()
      const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', chat: runner.chat })
      const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
      const { job } = await a.engine.createJob('u1', { request: chatRequest })
      const aborting = outcome(b.engine.abortJob('u1', job.id))
      await turns(interleaving)
      runner.release()
      const result = await aborting
      await a.engine.whenSettled(job.id)
      const events = await storedEvents(a, job.id)
      const ends = events.filter(event => event.type === 'job-end')
      expect(ends).toHaveLength(1)
      const stored = (await a.provider.get(job.id))!.status
      expect(['completed', 'aborted']).toContain(stored)
      expect(result).toEqual({ ok: true, value: expect.objectContaining({ status: stored }) })
      await expectIdle(a)
      await expectIdle(b)
      await engines.stopAll()
    }
  })

  it('two answers sent to two instances at once: one is taken, the other is a 409, one input-response', async () => {
    for (let interleaving = 0; interleaving < INTERLEAVINGS; interleaving++) {
      const keyPrefix = nextPrefix()
      const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
      const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
      const c = await engines.start({ url: redis.url, keyPrefix, instanceId: 'c' })
      const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
      const requestId = await pendingRequest(b, job.id)
      // Half the rounds answer through the owner and a non-owner, half through two non-owners.
      const first = interleaving % 2 === 0 ? a : c
      const answers = [outcome(first.engine.answerInput('u1', job.id, { requestId, answer: { go: true } }))]
      await turns(interleaving >> 1)
      answers.push(outcome(b.engine.answerInput('u1', job.id, { requestId, answer: { go: false } })))
      const results = await Promise.all(answers)
      expect(results.filter(result => result.ok)).toHaveLength(1)
      expect(results.filter(result => !result.ok)).toEqual([{ ok: false, status: 409, name: 'InputConflictError' }])
      await a.engine.whenSettled(job.id)
      const events = await storedEvents(a, job.id)
      expect(events.filter(event => event.type === 'input-response')).toHaveLength(1)
      expect((await a.provider.get(job.id))!.status).toBe('completed')
      for (const instance of [a, b, c]) await expectIdle(instance)
      await engines.stopAll()
    }
  })

  it('an answer the owner took and whose job ended before the sender listened: the sender is told it was taken, not a 409', async () => {
    const keyPrefix = nextPrefix()
    const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
    // B's reply subscription starts only once the job's end is stored: the end is seen first.
    let open!: () => void
    const opened = new Promise<void>(resolve => (open = resolve))
    const b = await engines.start({
      url: redis.url,
      keyPrefix,
      instanceId: 'b',
      wrapProvider: provider => Object.assign(Object.create(provider) as typeof provider, {
        subscribeControlReply: (id: string, controlId: string, listener: Parameters<typeof provider.subscribeControlReply>[2]) => {
          let stop = () => {}
          let stopped = false
          void opened.then(() => {
            if (!stopped) stop = provider.subscribeControlReply(id, controlId, listener)
          })
          return () => {
            stopped = true
            stop()
          }
        },
      }),
    })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
    const requestId = await pendingRequest(b, job.id)
    const answering = outcome(b.engine.answerInput('u1', job.id, { requestId, answer: { go: true } }))
    await a.engine.whenSettled(job.id)
    await storedStatus(b, job.id, 'completed')
    open()
    expect(await answering).toEqual({ ok: true, value: { stored: true } })
    const responses = (await storedEvents(a, job.id)).filter(event => event.type === 'input-response')
    expect(responses).toMatchObject([{ answer: { go: true }, answeredBy: 'u1' }])
    await expectIdle(a)
    await expectIdle(b)
  })

  it('an answer sent to a non-owner as the question times out: the caller\'s outcome matches the stored answer', async () => {
    const asking = (timeoutMs: number) => defineWorkflow({
      name: 'ask-timed',
      description: `ask (${timeoutMs} ms) → done`,
      input: z.object({}),
      nodes: {
        ask: { kind: 'input', prompt: 'Go on?', schema: z.object({ go: z.boolean() }), onTimeout: 'default', timeoutAnswer: { go: false }, timeoutMs },
        done: { kind: 'output', value: 'done' },
      },
      edges: [['ask', 'done']],
    })
    // No sleep: the answer goes out as soon as the question is stored. With 60 s the answer is
    // first; with the shortest times the owner's timer fires somewhere around the forwarded
    // answer (either outcome is right, as long as the caller is told the one that was stored);
    // `timedOutFirst` answers only after the timeout's answer is stored (then always a 409).
    const cases = [
      ...[1, 2, 3, 5, 8].map(timeoutMs => ({ timeoutMs, timedOutFirst: false })),
      { timeoutMs: 1, timedOutFirst: true },
      { timeoutMs: 60_000, timedOutFirst: false },
    ]
    for (const { timeoutMs, timedOutFirst } of cases) {
      const keyPrefix = nextPrefix()
      const workflows = [asking(timeoutMs)]
      const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', workflows })
      const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', workflows })
      const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask-timed', input: {} } })
      // From the log: the question may have timed out and the job ended already.
      const requestId = await askedRequest(b, job.id)
      if (timedOutFirst) await storedStatus(b, job.id, 'completed')
      const result = await outcome(b.engine.answerInput('u1', job.id, { requestId, answer: { go: true } }))
      await a.engine.whenSettled(job.id)
      const responses = (await storedEvents(a, job.id)).filter(event => event.type === 'input-response')
      expect(responses).toHaveLength(1)
      const response = responses[0] as Extract<JobEvent, { type: 'input-response' }>
      if (result.ok) expect(response).toMatchObject({ answer: { go: true }, answeredBy: 'u1' })
      else expect([result, response]).toMatchObject([{ status: 409 }, { answer: { go: false }, answeredBy: 'timeout' }])
      if (timedOutFirst) expect(result.ok).toBe(false)
      if (timeoutMs === 60_000) expect(result.ok).toBe(true)
      expect((await a.provider.get(job.id))!.status).toBe('completed')
      await expectIdle(a)
      await expectIdle(b)
      await engines.stopAll()
    }
  })

  it('an abort while another instance takes the job over: aborted once, the caller told so', async () => {
    for (let interleaving = 0; interleaving < INTERLEAVINGS; interleaving++) {
      const keyPrefix = nextPrefix()
      const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a' })
      const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
      const c = await engines.start({ url: redis.url, keyPrefix, instanceId: 'c' })
      const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
      await pendingRequest(b, job.id)
      await a.stop() // a deploy: the waiting workflow is handed off, its lease released
      const aborting = outcome(c.engine.abortJob('u1', job.id))
      await turns(interleaving)
      const recovered = await b.engine.recover()
      const result = await aborting
      await b.engine.whenSettled(job.id)
      expect(recovered).toBeLessThanOrEqual(1)
      expect((await storedEvents(b, job.id)).filter(event => event.type === 'job-end')).toHaveLength(1)
      expect((await b.provider.get(job.id))!.status).toBe('aborted')
      expect(result).toEqual({ ok: true, value: expect.objectContaining({ status: 'aborted' }) })
      await expectIdle(b)
      await expectIdle(c)
      await engines.stopAll()
    }
  })

  it('a viewer attaching on another instance while retention deletes the job: a 404 or the whole ended job, nothing left open', async () => {
    for (let interleaving = 0; interleaving < INTERLEAVINGS; interleaving++) {
      const keyPrefix = nextPrefix()
      const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config: { limits: { retentionMs: 60_000 } } })
      const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b' })
      // The cleaner's clock is ahead by more than the retention: the job is due at once.
      const cleaner = await engines.start({ url: redis.url, keyPrefix, instanceId: 'cleaner', offsetMs: 120_000, config: { limits: { retentionMs: 60_000 } } })
      const { job } = await a.engine.createJob('u1', { request: chatRequest })
      await a.engine.whenSettled(job.id)
      const sink = createRecordingSink()
      const attaching = outcome(b.engine.attachViewer('u1', job.id, sink, null))
      await turns(interleaving)
      expect(await cleaner.engine.cleanup()).toBe(1)
      const attached = await attaching
      if (attached.ok) {
        // The finished job whole (snapshot + job-end); the route then closes the stream.
        expect(attached.value.open).toBe(false)
        expect(sink.frames.at(-1)).toMatchObject({ event: 'job-end' })
        expect(sink.state()).toMatchObject({ status: 'completed' })
      }
      else {
        expect(attached).toEqual({ ok: false, status: 404, name: 'JobNotFoundError' })
      }
      await expectIdle(b)
      await engines.stopAll()
    }
  })
})
