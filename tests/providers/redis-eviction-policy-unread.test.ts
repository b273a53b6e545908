/**
 * An ACL user that may not run `INFO` — an app user hardened the usual way, `+@all -@dangerous`
 * (INFO is in @dangerous) — cannot read Redis's eviction policy. The check then said nothing at
 * all, so an `allkeys-*` Redis that deletes running jobs under memory pressure went unwarned,
 * while docs/runbook.md promises a warning unless the policy is `noeviction`. It now warns that the policy
 * could not be read, naming what to check.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer(['--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'])

describe('redis provider: an eviction policy the user may not read', () => {
  it('warns that it could not check the policy, naming noeviction', async () => {
    const admin = createClient({ url: redis.url })
    onTestFinished(() => admin.close().catch(() => {}))
    await admin.connect()
    await admin.sendCommand(['ACL', 'SETUSER', 'app', 'on', '>secret', 'resetchannels', '~hardened:*', '&hardened:*', '+@all', '-@dangerous'])
    const warnings: string[] = []
    const provider = createRedisProvider({ url: redis.url.replace('redis://', 'redis://app:secret@'), keyPrefix: 'hardened:', onWarning: message => warnings.push(message), onError: () => {} })
    onTestFinished(() => provider.dispose())
    await provider.ready()
    await provider.dispose()
    expect(warnings).toEqual([expect.stringMatching(/^Could not read Redis's maxmemory-policy \(INFO memory: NOPERM .*\): make sure it is noeviction .*CONFIG GET maxmemory-policy/)])
  })
})
