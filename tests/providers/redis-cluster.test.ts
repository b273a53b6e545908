/**
 * A Redis Cluster behind the URL. The provider's scripts touch keys of many hash slots, so a
 * cluster whose slots are spread over several primaries (a managed Redis with "cluster mode" on)
 * cannot run them: the boot went through, and then every job creation was a 500 with Redis's
 * bare `ERR Script attempted to access a non local key in a cluster node`. The boot now fails
 * naming the cluster and the way out; a cluster whose one primary holds every slot still runs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { StoreUnreachableError } from '../../server/lib/errors'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useTestRedisServer } from '../support/redis-server'
import { freePort } from '../support/server-process'
import { createJob } from './contract-fixtures'

/**
 * A cluster-enabled redis-server (its own folder for `nodes.conf`, and a free port of its own for
 * the cluster bus: the default, the port + 10000, is past 65535 for a high port) and an admin
 * connection to it.
 */
async function clusterNode() {
  const dir = mkdtempSync(join(tmpdir(), 'bgjobs-cluster-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  const busPort = String(await freePort())
  const server = await useTestRedisServer(['--cluster-enabled', 'yes', '--cluster-port', busPort, '--dir', dir])
  const admin = createClient({ url: server.url })
  onTestFinished(() => admin.close().catch(() => {}))
  await admin.connect()
  return { server, admin, busPort }
}

/** Waits (polling the node, bounded) until `ready` holds of its `CLUSTER INFO` and `CLUSTER SLOTS`. */
async function until(admin: Awaited<ReturnType<typeof clusterNode>>['admin'], ready: (info: string, slots: unknown[]) => boolean) {
  for (let attempt = 0; attempt < 500; attempt++) {
    const [info, slots] = await Promise.all([admin.sendCommand(['CLUSTER', 'INFO']), admin.sendCommand(['CLUSTER', 'SLOTS'])])
    if (ready(String(info), slots as unknown as unknown[])) return
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  throw new Error('the cluster did not form')
}

/** What `ready()` of a provider on `url` ends with (disposed after). */
async function boot(url: string): Promise<unknown> {
  const provider = createRedisProvider({ url, onError: () => {} })
  onTestFinished(() => provider.dispose())
  const outcome = await provider.ready().then(() => 'ready', (error: unknown) => error)
  await provider.dispose()
  return outcome
}

describe('redis provider: a Redis Cluster behind the URL', () => {
  it('fails at boot for a cluster of two shards, naming the cluster', async () => {
    const a = await clusterNode()
    const b = await clusterNode()
    await a.admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '8191'])
    await b.admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '8192', '16383'])
    await a.admin.sendCommand(['CLUSTER', 'MEET', '127.0.0.1', new URL(b.server.url).port, b.busPort])
    await until(a.admin, (_info, slots) => slots.length === 2)

    const failure = await boot(a.server.url)
    expect(failure).toBeInstanceOf(StoreUnreachableError)
    expect(String((failure as Error)?.message)).toMatch(/^NUXT_BACKGROUND_JOBS_REDIS_URL \(redis:\/\/127\.0\.0\.1:\d+\) reaches a Redis Cluster whose 16384 of 16384 assigned hash slots are spread over 2 primaries: .*Use a standalone Redis/)
    expect(await a.admin.sendCommand(['DBSIZE'])).toBe(0)
    expect(await b.admin.sendCommand(['DBSIZE'])).toBe(0)
  })

  it('fails at boot when CLUSTER SLOTS is refused (a proxy in front of the cluster, an ACL user without it), naming the URL', async () => {
    const a = await clusterNode()
    const b = await clusterNode()
    await a.admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '8191'])
    await b.admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '8192', '16383'])
    await a.admin.sendCommand(['CLUSTER', 'MEET', '127.0.0.1', new URL(b.server.url).port, b.busPort])
    await until(a.admin, (info, slots) => slots.length === 2 && info.includes('cluster_state:ok'))
    // What a proxy (Envoy, predixy) answers too: no CLUSTER commands; everything else reaches a node.
    await a.admin.sendCommand(['ACL', 'SETUSER', 'app', 'on', '>secret', '~*', '&*', '+@all', '-cluster'])
    const url = a.server.url.replace('redis://', 'redis://app:secret@')

    const failure = await boot(url)
    expect(failure).toBeInstanceOf(StoreUnreachableError)
    const message = String((failure as Error)?.message)
    expect(message).toMatch(/^NUXT_BACKGROUND_JOBS_REDIS_URL \(redis:\/\/app:\*+@127\.0\.0\.1:\d+\) could not run a script of the redis provider/)
    expect(message).toMatch(/non local key/)
    expect(message).toMatch(/Redis Cluster or a proxy in front of one/)
    expect(message).not.toContain('secret')
    expect(await a.admin.sendCommand(['DBSIZE'])).toBe(0)
    expect(await b.admin.sendCommand(['DBSIZE'])).toBe(0)
  })

  it('runs on a cluster whose one primary holds every slot', async () => {
    const node = await clusterNode()
    await node.admin.sendCommand(['CLUSTER', 'ADDSLOTSRANGE', '0', '16383'])
    await until(node.admin, info => info.includes('cluster_state:ok'))

    expect(await boot(node.server.url)).toBe('ready')
    const provider = createRedisProvider({ url: node.server.url, onError: () => {} })
    onTestFinished(() => provider.dispose())
    expect((await createJob(provider)).status).toBe('queued')
    await provider.dispose()
  })
})
