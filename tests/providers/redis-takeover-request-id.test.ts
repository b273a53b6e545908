/**
 * On one real redis-server, the id of the request that created a job (`X-Request-Id`) is stored
 * with it, so the instance that takes it over after a hand-off names that request on the run's
 * lines (`resuming …`, `job ended`) and shows it in the owner's summary
 * (tests/unit/takeover-request-id.test.ts is the memory provider's case).
 */
import { expect, it } from 'vitest'
import { runInRequestScope } from '../../server/lib/request-scope'
import { recordingLogger } from '../support/recording-logger'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()
// Recovery runs only when the test calls it (no scan of its own within the test).
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 } }

it('is on the lines of the run that took the job over, and in the owner\'s summary there', async () => {
  const keyPrefix = `takeover-request-id-${process.pid}:`
  const { logger, lines } = recordingLogger()
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config })
  const b = await engines.start({ url: redis.url, keyPrefix, instanceId: 'b', config, logger })
  const { job } = await runInRequestScope('create-1', () => a.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } }))
  await a.stop() // hands the waiting workflow off
  expect(await b.engine.recover()).toBe(1)
  const { job: summary, state } = await b.engine.getJob('u1', job.id)
  expect(summary.requestId).toBe('create-1')
  expect((await b.engine.listJobs('u1')).find(listed => listed.id === job.id)?.requestId).toBe('create-1')
  await runInRequestScope('answer-2', () => b.engine.answerInput('u1', job.id, { requestId: state.pendingInputs[0]!.requestId, answer: { go: true } }))
  await b.engine.whenSettled(job.id)
  expect(lines.find(line => line.message === 'resuming a job whose owner was lost')?.fields).toMatchObject({ jobId: job.id, requestId: 'create-1' })
  expect(lines.find(line => line.message === 'job ended')?.fields).toMatchObject({ jobId: job.id, status: 'completed', requestId: 'create-1' })
})
