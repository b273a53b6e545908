/**
 * An abort stored while nobody owns a job (here: its owner handed it off at shutdown, which lapses
 * its lease at once) on one real redis-server: the instance that takes the job over reads the
 * stored controls (`readControls`) and ends the job `aborted` before its run starts anything — the
 * workflow's question is not asked a second time.
 */
import { expect, it } from 'vitest'
import { useRedisEngines } from '../support/redis-engines'

const { redis, engines } = useRedisEngines()
// Recovery runs only when the test calls it (no scan of its own within the test).
const config = { lease: { durationMs: 600_000, heartbeatMs: 300_000 } }

it('the instance taking the job over ends it aborted before the workflow asks again', async () => {
  const keyPrefix = `abort-unowned-${process.pid}:`
  const a = await engines.start({ url: redis.url, keyPrefix, instanceId: 'a', config })
  const c = await engines.start({ url: redis.url, keyPrefix, instanceId: 'c', config })
  const { job } = await c.engine.createJob('u1', { request: { type: 'workflow', workflow: 'ask', input: {} } })
  await c.stop() // hands the waiting workflow off: nobody owns it now
  await a.provider.sendControl!(job.id, { type: 'abort', userId: 'u1' })
  expect(await a.engine.recover()).toBe(1)
  await a.engine.whenSettled(job.id)
  const { state } = await a.engine.getJob('u1', job.id)
  expect(state).toMatchObject({ status: 'aborted', epoch: 2 })
  const asked = (await a.provider.readEvents(job.id, 0))!.events.filter(event => event.type === 'input-request')
  expect(asked).toHaveLength(1)
})
