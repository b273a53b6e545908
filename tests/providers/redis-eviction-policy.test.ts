/**
 * A Redis that evicts keys under memory pressure loses running jobs without a trace in the app's
 * log but a `not-found`: the provider checks the policy when it connects and warns, naming the
 * policy and the fix, and again after its command connection reconnects (the URL may reach another
 * Redis by then). Each test starts its own redis-server and stops it.
 */
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { createProviderFromConfig } from '../../server/lib/providers/create-provider'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useTestRedisServer } from '../support/redis-server'

describe('redis provider: the eviction policy', () => {
  it('warns at connect when Redis may evict keys, naming the policy and noeviction', async () => {
    const own = await useTestRedisServer(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'])
    const warnings: string[] = []
    const provider = createRedisProvider({ url: own.url, onWarning: message => warnings.push(message) })
    try {
      await provider.ready()
      expect(warnings).toEqual([expect.stringMatching(/maxmemory-policy allkeys-lru.*Set maxmemory-policy noeviction/)])
    }
    finally {
      await provider.dispose()
      await own.stop()
    }
  })

  it('says nothing with noeviction', async () => {
    const own = await useTestRedisServer(['--maxmemory-policy', 'noeviction'])
    const warnings: string[] = []
    const provider = createRedisProvider({ url: own.url, onWarning: message => warnings.push(message) })
    try {
      await provider.ready()
      expect(warnings).toEqual([])
    }
    finally {
      await provider.dispose()
      await own.stop()
    }
  })

  it('checks again after its command connection reconnected: a policy changed meanwhile is warned about', async () => {
    const own = await useTestRedisServer(['--maxmemory-policy', 'noeviction'])
    const warnings: string[] = []
    const provider = createRedisProvider({ url: own.url, onWarning: message => warnings.push(message), onError: () => {} })
    const admin = createClient({ url: own.url })
    try {
      await provider.ready()
      expect(warnings).toEqual([])
      await admin.connect()
      // As a Redis restarted with another config, or a failover to one, looks to the instance.
      await admin.configSet('maxmemory-policy', 'allkeys-lru')
      await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'normal'])
      await expect.poll(() => warnings, { timeout: 10_000, interval: 20 }).toEqual([expect.stringMatching(/maxmemory-policy allkeys-lru.*Set maxmemory-policy noeviction/)])
    }
    finally {
      await admin.close().catch(() => {})
      await provider.dispose()
      await own.stop()
    }
  })

  it('built from config, it warns through the server\'s logger', async () => {
    const own = await useTestRedisServer(['--maxmemory-policy', 'volatile-lru'])
    const logged: string[] = []
    const logger = { info() {}, error() {}, warn: (message: string) => void logged.push(message) }
    const provider = await createProviderFromConfig(resolveConfig({ provider: 'redis', redisUrl: own.url }), { logger })
    try {
      expect(logged).toEqual([expect.stringMatching(/maxmemory-policy volatile-lru/)])
    }
    finally {
      await provider.dispose?.()
      await own.stop()
    }
  })
})
