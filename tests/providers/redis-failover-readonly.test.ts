/**
 * A failover behind the provider's URL (a managed Redis's primary endpoint, a Sentinel-moved
 * virtual IP): the URL now reaches the new primary, but the provider's command connection is still
 * open to the old primary, which lives on as a replica of the new one and refuses every write with
 * READONLY. Node-redis never reconnects on a reply, so every write was a 503 for as long as the
 * process ran. The provider now drops its command connection on READONLY (at most once every few
 * seconds), and the reconnect reaches the new primary.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { describe, expect, it } from 'vitest'
import { ProviderUnavailableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { startRedisFailoverProxy } from '../support/redis-failover-proxy'
import { useTestRedisServer } from '../support/redis-server'
import { appendAccepted, createJob, statusEvent, textEvent } from './contract-fixtures'

async function admin(url: string) {
  const client = createClient({ url })
  await client.connect()
  return client
}

/**
 * An app's ACL user as often hardened, `+@all -@dangerous`: it may not run `CLIENT KILL`, with which
 * the provider dropped its connection, so every write stayed a READONLY 503 for as long as the
 * process ran. ACL users are per server: both get it.
 */
const HARDENED_USER = ['app', 'on', '>secret', 'resetchannels', '~failover:*', '&failover:*', '+@all', '-@dangerous']

describe('redis provider: a failover that leaves its connection on the old primary, now a replica', () => {
  it('writes are refused READONLY (503), then reach the new primary without a restart', { timeout: 30_000 }, () => failover())

  it('the same for an ACL user that may not run CLIENT KILL (-@dangerous)', { timeout: 30_000 }, () => failover(HARDENED_USER))

  async function failover(aclUser?: string[]) {
    // A replica's sync starts at once (no wait for other replicas); the file it loads from is
    // written in a folder of the test's own.
    const dirs = [mkdtempSync(join(tmpdir(), 'bgjobs-failover-')), mkdtempSync(join(tmpdir(), 'bgjobs-failover-'))]
    const oldPrimary = await useTestRedisServer(['--repl-diskless-sync-delay', '0', '--dir', dirs[0]!])
    const newPrimary = await useTestRedisServer(['--repl-diskless-sync-delay', '0', '--dir', dirs[1]!])
    const proxy = await startRedisFailoverProxy(oldPrimary.url)
    const [oldAdmin, newAdmin] = await Promise.all([admin(oldPrimary.url), admin(newPrimary.url)])
    if (aclUser) await Promise.all([oldAdmin, newAdmin].map(client => client.sendCommand(['ACL', 'SETUSER', ...aclUser])))
    const url = aclUser ? proxy.url.replace('redis://', `redis://${aclUser[0]}:secret@`) : proxy.url
    const provider = createRedisProvider({ url, keyPrefix: 'failover:', onError: () => {} })
    try {
      // The replica is in sync with the primary.
      await newAdmin.sendCommand(['REPLICAOF', '127.0.0.1', String(oldPrimary.port)])
      await expect.poll(async () => String(await newAdmin.sendCommand(['INFO', 'replication'])), { timeout: 10_000, interval: 50 }).toMatch(/master_link_status:up/)
      await provider.ready()
      const job = await createJob(provider)
      await appendAccepted(provider, job.id, [statusEvent(1)])
      await expect.poll(async () => Number(await newAdmin.sendCommand(['EXISTS', `failover:job:${job.id}`])), { timeout: 10_000, interval: 50 }).toBe(1)

      // The failover: the replica is promoted, the old primary follows it, the URL moves.
      await newAdmin.sendCommand(['REPLICAOF', 'NO', 'ONE'])
      await oldAdmin.sendCommand(['REPLICAOF', '127.0.0.1', String(newPrimary.port)])
      proxy.retarget(newPrimary.url)

      const refused = await provider.appendEvents(job.id, [textEvent(2, 0, 'after')], { epoch: 1 }).then(() => null, (error: unknown) => error)
      expect(refused).toBeInstanceOf(ProviderUnavailableError)
      expect(String((refused as Error).message)).toMatch(/READONLY/)
      // Retried as the persist queue does: it lands on the new primary.
      const landed = () => provider.appendEvents(job.id, [textEvent(2, 0, 'after')], { epoch: 1 }).then(result => result.ok, () => false)
      await expect.poll(landed, { timeout: 10_000, interval: 100 }).toBe(true)
      expect((await newAdmin.sendCommand(['HGET', `failover:job:${job.id}`, 'lastSeq']))).toBe('2')
    }
    finally {
      await Promise.all([oldAdmin.close(), newAdmin.close()]).catch(() => {})
      await provider.dispose()
      await proxy.close()
      await Promise.all([oldPrimary.stop(), newPrimary.stop()])
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    }
  }
})
