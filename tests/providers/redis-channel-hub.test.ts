/**
 * The pub/sub channel hub on a real redis-server: a channel whose last listener stops while a new
 * listener of the same channel starts must keep delivering to the new one (a viewer that
 * reconnects to the same instance as its previous follower stops).
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { connectRedis } from '../../server/lib/providers/redis-client'
import type { RedisConnection } from '../../server/lib/providers/redis-client'
import { createChannelHub } from '../../server/lib/providers/redis-follow'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer()
let connection: RedisConnection

beforeAll(async () => {
  connection = await connectRedis({ url: redis.url })
})
afterAll(async () => {
  await connection?.close()
})

/** A listener that records what it got, and a promise of its first message. */
function recorder() {
  let first!: (message: string) => void
  const arrived = new Promise<string>(resolve => (first = resolve))
  return { listener: (message: string) => first(message), arrived }
}

/** Publishes once: Redis answers how many subscribers got it (0: the new listener is deaf). */
async function publish(channel: string, message: string) {
  return Number(await connection.command(['PUBLISH', channel, message]))
}

it('a listener that starts in the same turn as the previous last listener stops still gets messages', async () => {
  const hub = createChannelHub(connection, (error) => { throw error })
  const first = hub.listen('c1', () => {})
  await first.ready
  first.stop()
  const got = recorder()
  const second = hub.listen('c1', got.listener)
  await second.ready
  expect(await publish('c1', 'm')).toBe(1)
  expect(await got.arrived).toBe('m')
  second.stop()
})

it('a listener that starts a turn after the previous last listener stopped still gets messages', async () => {
  const hub = createChannelHub(connection, (error) => { throw error })
  for (let turns = 0; turns < 6; turns++) {
    const channel = `c2-${turns}`
    const first = hub.listen(channel, () => {})
    await first.ready
    first.stop()
    for (let index = 0; index < turns; index++) await Promise.resolve()
    const got = recorder()
    const second = hub.listen(channel, got.listener)
    await second.ready
    expect(await publish(channel, 'm'), `after ${turns} microtasks`).toBe(1)
    expect(await got.arrived).toBe('m')
    second.stop()
  }
  expect(hub.size).toBe(0)
})
