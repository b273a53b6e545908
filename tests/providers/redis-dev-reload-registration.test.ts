/**
 * `nuxt dev` reloads the server by starting a new one before the old one is closed (up to 5 s
 * later). With a configured `instanceId` both are the same instance: the new one registered it at
 * start, then the old one's dispose "left" — removing that registration — so the other instances
 * did not count this one in their shares of lapsed jobs until its next heartbeat. In dev, an engine
 * with a configured id now keeps the registration at dispose (it lapses by itself when the dev
 * server stops for good); an engine with a random id, and every engine outside dev, still leaves.
 */
import { afterEach, expect, it } from 'vitest'
import { devReloadKeepsRegistration } from '../../server/lib/cluster-check'
import { resolveConfig } from '../../server/lib/config'
import { createEngine } from '../../server/lib/engine'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { unusedModel } from '../support/engine-harness'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer()
const INSTANCE_ID = 'dev-fixed'
const disposals: Array<() => Promise<unknown>> = []

afterEach(async () => {
  await Promise.all(disposals.splice(0).map(dispose => dispose()))
})

/** An engine as the layer's plugin starts it in `nuxt dev` (each server has its own connections). */
async function devServer(prefix: string, configuredId: string) {
  const config = resolveConfig({ scripted: { enabled: true }, provider: 'redis', instanceId: configuredId })
  const provider = createRedisProvider({ url: redis.url, keyPrefix: prefix, healthCheckMs: 0, onError: () => {} })
  await provider.ready()
  const engine = createEngine({
    provider,
    instanceId: configuredId,
    leaveOnDispose: !devReloadKeepsRegistration(true, configuredId),
    getConfig: () => config,
    createModelClient: () => unusedModel,
    runners: { chat: async () => {}, workflow: async () => {} },
    tools: { register() {}, get: () => undefined, list: () => [], toModelTools: () => [] },
    workflows: { get: () => undefined, list: () => [] },
  })
  disposals.push(() => engine.dispose())
  return { engine, provider }
}

/** Who is registered under `prefix`, from Redis. */
async function registered(prefix: string): Promise<string[]> {
  const { createClient } = await import('redis')
  const client = createClient({ url: redis.url })
  await client.connect()
  try {
    return await client.zRange(`${prefix}instances`, 0, -1)
  }
  finally {
    client.destroy()
  }
}

it('a dev reload with a configured instanceId: the old server\'s dispose does not unregister the new one', async () => {
  const prefix = 'dev-reload:'
  const old = await devServer(prefix, INSTANCE_ID)
  const reloaded = await devServer(prefix, INSTANCE_ID)
  await reloaded.engine.recover() // its registration is surely written
  expect(await registered(prefix)).toEqual([INSTANCE_ID])

  await old.engine.dispose()

  expect(await registered(prefix)).toEqual([INSTANCE_ID])
})

it('without a configured instanceId a disposed dev server still leaves', async () => {
  const prefix = 'dev-random:'
  const server = await devServer(prefix, '')
  await server.engine.recover()
  expect(await registered(prefix)).toEqual([server.engine.instanceId])

  await server.engine.dispose()

  expect(await registered(prefix)).toEqual([])
})
