/**
 * A Redis outage does not flood the log (docs/logs.md): node-redis emits `error` at every
 * failed reconnect attempt — about one a second per connection, for as long as Redis is down (16
 * lines in 6 s against a killed redis-server) — and each became a `redis connection or
 * subscription failed` error line. A connection reports the first error of each drop only.
 */
import { EventEmitter } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { connectRedis } from '../../server/lib/providers/redis-client'

const clients = vi.hoisted(() => [] as Array<import('node:events').EventEmitter>)

vi.mock('redis', async () => {
  const { EventEmitter } = await import('node:events')
  class FakeClient extends EventEmitter {
    isReady = true
    isOpen = true
    async connect() {}
    async close() {}
    destroy() {}
  }
  return {
    createClient: () => {
      const client = new FakeClient()
      clients.push(client)
      return client
    },
    ErrorReply: class ErrorReply extends Error {},
  }
})

/** A drop of `client` followed by `attempts` failed reconnect attempts (the client's own events). */
function outage(client: EventEmitter, attempts: number) {
  client.emit('error', new Error('Socket closed unexpectedly'))
  for (let attempt = 0; attempt < attempts; attempt++) {
    client.emit('reconnecting')
    client.emit('error', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }))
  }
}

describe('redis connection errors', () => {
  it('are reported once per drop of each connection, not at every reconnect attempt', async () => {
    const reported: string[] = []
    const connection = await connectRedis({ url: 'redis://127.0.0.1:6379', onError: error => reported.push((error as Error).message) })
    const [commands, subscriber] = clients.slice(-2) as [EventEmitter, EventEmitter]
    outage(commands, 30)
    outage(subscriber, 30)
    expect(reported).toEqual(['Socket closed unexpectedly', 'Socket closed unexpectedly'])
    // Back, then down again: a new drop is reported again.
    commands.emit('ready')
    outage(commands, 5)
    expect(reported).toHaveLength(3)
    await connection.close()
  })
})
