/**
 * A call that reaches the Redis provider after `dispose()` — a request still in flight when the
 * shutdown signal disposed the engine (a job read, a listing, an abort): the provider used to
 * connect again, opening two new connections (commands and pub/sub) that nothing would ever close,
 * so they held Redis clients and kept the stopping process alive. Now it is refused with the
 * shutdown's 503 and nothing connects.
 */
import { expect, it, onTestFinished } from 'vitest'
import { createClient } from 'redis'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { ShuttingDownError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { chatRequest, unusedModel } from '../support/engine-harness'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer()

/** Clients connected to Redis other than the one asking. */
async function otherClients(): Promise<number> {
  const client = createClient({ url: redis.url })
  await client.connect()
  try {
    const lines = String(await client.sendCommand(['CLIENT', 'LIST'])).trim().split('\n')
    return lines.length - 1
  }
  finally {
    client.destroy()
  }
}

it('a call after dispose is a 503 and opens no connection', async () => {
  const provider = createRedisProvider({ url: redis.url, keyPrefix: 'after-dispose:', onError: () => {} })
  // Closed however the test ends (the engine's dispose closes it first when the test gets there).
  onTestFinished(() => provider.dispose())
  await provider.ready()
  const config = resolveConfig({ scripted: { enabled: true } })
  const engine = createEngine({
    provider,
    instanceId: 'A',
    getConfig: () => config,
    createModelClient: () => unusedModel,
    runners: { chat: async () => {}, workflow: async () => {} },
    tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
    workflows: { get: () => undefined, list: () => [] },
  })
  const { job } = await engine.createJob('u1', { request: chatRequest })
  await engine.whenSettled(job.id)
  await engine.dispose()

  // The shutdown signal came while this request was on its way: it reads the job now.
  const read = await engine.getJob('u1', job.id).then(() => 'answered', (error: unknown) => error)
  const deleted = await engine.deleteJob('u1', job.id).then(() => 'deleted', (error: unknown) => error)
  expect(read).toBeInstanceOf(ShuttingDownError)
  expect(deleted).toBeInstanceOf(ShuttingDownError)
  await expect.poll(otherClients, { interval: 20 }).toBe(0)
})
