/**
 * On one real redis-server, a workflow's `nodes_executed` is the whole job's across a takeover, as
 * its duration is (671992c1, takeover-job-duration): the node visits its lost owner started and
 * those the owner taking it over started, the visit it was cut off in (a question asked again)
 * counted once. Before, the resumed run said only the nodes it ran itself (`job-end` metrics and
 * the job span's `background_jobs.nodes_executed`), and a workflow that recovery ended without
 * running it again (past its time limit) said none at all.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { defineWorkflow } from '../../server/utils/define-workflow'
import { useRedisEngines } from '../support/redis-engines'
import { useTracingPerTest } from '../support/tracing'

const { redis, engines } = useRedisEngines()
const tracing = useTracingPerTest()
const LIMIT_MS = 600_000
// Recovery runs only when the test calls it (no scan of its own within the test).
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 }, limits: { jobTimeoutMs: LIMIT_MS } }

/** Two questions, then the end: three node visits in all. */
const twoQuestions = defineWorkflow({
  name: 'two-questions',
  description: 'first → second → done',
  input: z.object({}),
  nodes: {
    first: { kind: 'input', prompt: 'First?', schema: z.object({ go: z.boolean() }) },
    second: { kind: 'input', prompt: 'Second?', schema: z.object({ go: z.boolean() }) },
    done: { kind: 'output', value: 'done' },
  },
  edges: [['first', 'second'], ['second', 'done']],
})

/** Redis's clock, moved by the test. */
function movableClock() {
  let offsetMs = 0
  return { now: () => Date.now() + offsetMs, move: (ms: number) => void (offsetMs += ms) }
}

/** The job span of the run on `instanceId` (one). */
function jobSpanOf(instanceId: string) {
  const spans = tracing().named('background_jobs.job').filter(span => span.attributes['background_jobs.instance.id'] === instanceId)
  expect(spans).toHaveLength(1)
  return spans[0]!.attributes
}

describe('nodes_executed of a workflow taken over', () => {
  it('counts the lost owner\'s node visits and the new owner\'s, the cut-off question once', async () => {
    const keyPrefix = `takeover-nodes-${process.pid}:`
    const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config, workflows: [twoQuestions] })
    const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config, workflows: [twoQuestions] })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'two-questions', input: {} } })
    const answer = async (engine: typeof a.engine, nodeId: string) => {
      const { state } = await engine.getJob('u1', job.id)
      const request = state.pendingInputs.find(input => input.nodeId === nodeId)!
      await engine.answerInput('u1', job.id, { requestId: request.requestId, answer: { go: true } })
    }
    await answer(a.engine, 'first')
    await expect.poll(async () => (await a.engine.getJob('u1', job.id)).state.pendingInputs.map(input => input.nodeId)).toEqual(['second'])
    await a.stop() // a rolling deploy hands the job off at its second question
    expect(await b.engine.recover()).toBe(1)
    await answer(b.engine, 'second')
    await b.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'completed', epoch: 2, executionOrder: ['first', 'second', 'done'] })
    // Before: 2 (second, asked again, and done: the resumed run's own).
    expect(state.metrics!.nodes_executed).toBe(3)
    expect(jobSpanOf('b')['background_jobs.nodes_executed']).toBe(3)
  })

  it('counts the lost owner\'s node visits when recovery ends the job past its time limit', async () => {
    const keyPrefix = `takeover-nodes-limit-${process.pid}:`
    const clock = movableClock()
    const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config, workflows: [twoQuestions], storeClock: clock.now })
    const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config, workflows: [twoQuestions], storeClock: clock.now })
    const { job } = await a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'two-questions', input: {} } })
    await a.stop() // hands the job off at its first question
    clock.move(LIMIT_MS + 1_000) // nobody took it over until after its limit
    expect(await b.engine.recover()).toBe(1)
    await b.engine.whenSettled(job.id)
    const { state } = await b.engine.getJob('u1', job.id)
    expect(state).toMatchObject({ status: 'failed', error: { code: 'timeout' } })
    // Before: none (the recovered end's metrics had no nodes_executed).
    expect(state.metrics!.nodes_executed).toBe(1)
    expect(jobSpanOf('b')['background_jobs.nodes_executed']).toBe(1)
  })
})
