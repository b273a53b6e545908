/**
 * On one real redis-server, `limits.jobTimeoutMs` counts from the job's first start, read on
 * Redis's clock (job-start.ts): a job handed off at shutdown and taken over after its limit ends
 * `timeout` with its stored text, its runner never started again; one taken over with 10 s left
 * asks its question again expiring within those 10 s, not after the node's 60 s; and a question
 * asked again keeps the deadline it was first asked with. Redis's clock is moved (`storeClock`)
 * rather than waited for; the instances' own clocks are real.
 */
import { expect, it } from 'vitest'
import type { JobRunners } from '../../server/lib/engine-types'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()
const LIMIT_MS = 600_000
// Recovery runs only when the test calls it (no scan of its own within the test).
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 }, recovery: { chat: 'continue' as const }, limits: { jobTimeoutMs: LIMIT_MS } }

/** Redis's clock, moved by the test. */
function movableClock() {
  let offsetMs = 0
  return { now: () => Date.now() + offsetMs, move: (ms: number) => void (offsetMs += ms) }
}

it('a chat taken over after its time limit ends as a timeout with its stored text, its runner not started again', async () => {
  const keyPrefix = `takeover-limit-${process.pid}:`
  const clock = movableClock()
  let started = 0
  const chat: JobRunners['chat'] = async (context) => {
    started++
    context.text('partial ')
    await new Promise((_resolve, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason), { once: true }))
  }
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config, chat, storeClock: clock.now })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config, chat, storeClock: clock.now })
  const { job } = await a.engine.createJob('u1', { request: { type: 'chat', messages: [{ role: 'user', content: 'hi' }] } })
  await a.stop() // hands the chat off: its text is stored, its lease released
  clock.move(LIMIT_MS + 1_000) // nobody took it over until after its limit
  expect(await b.engine.recover()).toBe(1)
  await b.engine.getJob('u1', job.id)
  expect(started).toBe(1)
  await b.engine.whenSettled(job.id)
  const { state } = await b.engine.getJob('u1', job.id)
  expect(state).toMatchObject({ status: 'failed', epoch: 2, content: 'partial ', error: { code: 'timeout' } })
})

it('a workflow taken over with 10 s left asks again with a question that expires within them', async () => {
  const keyPrefix = `takeover-limit-wait-${process.pid}:`
  const clock = movableClock()
  // A limit shorter than the question's own 60 s: the job's end comes first.
  const shortLimit = { ...config, limits: { jobTimeoutMs: 50_000 } }
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config: shortLimit, storeClock: clock.now })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config: shortLimit, storeClock: clock.now })
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await a.stop() // hands the waiting workflow off
  clock.move(40_000) // its wait counts: 40 s of its 50 s are gone
  expect(await b.engine.recover()).toBe(1)
  const { state } = await b.engine.getJob('u1', job.id)
  expect(state).toMatchObject({ status: 'waiting', epoch: 2 })
  const [question] = state.pendingInputs
  // The question's own 60 s would outlast the job: it expires with the job, 10 s on at most.
  expect(question!.expiresAt - question!.requestedAt).toBeLessThanOrEqual(10_000)
  expect(question!.expiresAt - question!.requestedAt).toBeGreaterThan(0)
  await b.engine.abortJob('u1', job.id)
})

it('a workflow taken over 45 s into its question\'s 60 s asks again with the 15 s left, on Redis\'s clock', async () => {
  const keyPrefix = `takeover-question-deadline-${process.pid}:`
  const clock = movableClock()
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config, storeClock: clock.now })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config, storeClock: clock.now })
  const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await a.stop() // hands the waiting workflow off
  clock.move(45_000)
  expect(await b.engine.recover()).toBe(1)
  const { state } = await b.engine.getJob('u1', job.id)
  expect(state).toMatchObject({ status: 'waiting', epoch: 2 })
  const [question] = state.pendingInputs
  // Before: a whole new 60 s. The instances' own clocks are real: a few ms of them may pass.
  expect(question!.expiresAt - question!.requestedAt).toBeLessThanOrEqual(15_000)
  expect(question!.expiresAt - question!.requestedAt).toBeGreaterThan(14_000)
  await b.engine.abortJob('u1', job.id)
})
