/**
 * A Redis user feed's start reads the user's changes recorded since it started
 * (redis-subscriptions.ts, redis-user-changes.ts); a message published after the SUBSCRIBE was
 * confirmed but before that read is then heard too. The record it reads is the one the start
 * handed on already: it is not handed on twice. A later change of the same job still is.
 */
import { expect, it } from 'vitest'
import { createRedisSubscriptions } from '../../server/lib/providers/redis-subscriptions'
import type { ChannelHub } from '../../server/lib/providers/redis-follow'
import type { JobRecord } from '../../server/lib/providers/types'

const flush = async () => {
  for (let turn = 0; turn < 20; turn++) await new Promise(resolve => setImmediate(resolve))
}

it('a change the start read handed on is not handed on again when its message arrives', async () => {
  const heard: Array<(message: string) => void> = []
  const hub: ChannelHub = {
    listen: (_channel, listener) => {
      heard.push(listener)
      return { ready: Promise.resolve(), stop: () => {} }
    },
    onReconnect: () => () => {},
    size: 0,
  }
  let record = { id: 'job-1', userId: 'u1', status: 'waiting', updatedAt: 1_010, lastSeq: 2 } as JobRecord
  const subscriptions = createRedisSubscriptions({
    prefix: 't:',
    connect: async () => ({ connection: {} as never, hub }),
    command: async args => (args[0] === 'ZRANGEBYSCORE' && args[1] === 't:changed:u1' ? ['job-1'] : []) as never,
    readEntries: async () => [],
    get: async () => record,
    list: async () => [],
    now: () => 1_000,
    onError: (error) => { throw error },
  })
  const handed: string[] = []
  const stop = subscriptions.subscribeUserJobs('u1', records => handed.push(...records.map(each => `${each.id}:${each.status}`)))
  await flush()
  expect(heard).toHaveLength(1)
  heard[0]!('job-1')
  await flush()
  expect(handed).toEqual(['job-1:waiting'])
  record = { ...record, status: 'running', updatedAt: 1_020, lastSeq: 3 }
  heard[0]!('job-1')
  await flush()
  expect(handed).toEqual(['job-1:waiting', 'job-1:running'])
  stop()
  subscriptions.stopAll()
})
