/**
 * An app on the layer alone (tests/fixtures/node-cluster, with the built-in scripted model) built
 * with Nitro's node-cluster preset (two Node workers behind one port, each with its own memory;
 * docs/where-it-runs.md):
 * - with the default memory provider it refuses to boot, once, in the primary, naming the preset
 *   and the fixes (instead of serving jobs that are a 404 on every other request);
 * - with Redis every worker serves every job; the primary runs no engine (two instances, not
 *   three) and a configured instance id gets each worker's id; SIGTERM sent to the primary alone
 *   (`docker stop`, `kill <pid>`) reaches every worker, which hands its running jobs off, and the
 *   next cluster finishes them.
 * Every request goes on a new connection, so the primary spreads them over the workers.
 */
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { request } from 'node:http'
import { join } from 'node:path'
import { createClient as createRedisClient } from 'redis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useRedisServer } from '../support/redis-server'
import type { ServerProcess } from '../support/server-process'
import { buildAppCopy, freePort, ROOT, startProcess, stopProcess } from '../support/server-process'

const INSTANCE_ID = 'cluster-e2e'

let build: { entry: string, cleanup: () => void }
// Started before the build and the client below, stopped after them (its hooks come first).
const redis = useRedisServer()
let store: ReturnType<typeof createRedisClient>
const servers: ServerProcess[] = []

/** Its own production build (another preset) in setup: it took 158 s under load average 15, past half the shared 240 s. */
const BUILD_BUDGET_MS = 480_000

beforeAll(async () => {
  build = buildAppCopy(join(ROOT, 'tests/fixtures/node-cluster'))
  store = createRedisClient({ url: redis.url })
  await store.connect()
}, BUILD_BUDGET_MS)

afterAll(async () => {
  for (const server of servers) await server.stop()
  await store?.quit()
  build?.cleanup()
})

/** One HTTP request on a connection of its own (no keep-alive: the primary picks a worker for each). */
async function call(url: string, options: { method?: string, body?: unknown, cookie?: string, readBytes?: number } = {}) {
  return await new Promise<{ status: number, text: string, cookie: string, servedBy: string }>((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body)
    const req = request(url, {
      method: options.method ?? 'GET',
      agent: false,
      headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...(options.cookie ? { cookie: options.cookie } : {}) },
    }, (response) => {
      let text = ''
      const done = () => {
        response.destroy()
        const cookie = (response.headers['set-cookie'] ?? []).map(line => line.split(';')[0]).find(line => line?.startsWith('bgjobs_uid=')) ?? ''
        // The worker that answered (the fixture's server/middleware/served-by.ts).
        resolve({ status: response.statusCode ?? 0, text, cookie, servedBy: String(response.headers['x-served-by'] ?? '') })
      }
      response.setEncoding('utf8')
      response.on('data', (chunk: string) => {
        text += chunk
        // An SSE stream stays open: its first frame (the snapshot) is enough.
        if (options.readBytes && text.length >= options.readBytes) done()
      })
      response.on('end', done)
    })
    req.on('error', reject)
    req.end(payload)
  })
}

const clusterEnv = (extra: Record<string, string>) => ({
  NITRO_CLUSTER_WORKERS: '2',
  NUXT_BACKGROUND_JOBS_PROVIDER: 'redis',
  NUXT_BACKGROUND_JOBS_REDIS_URL: redis.url,
  NUXT_BACKGROUND_JOBS_COOKIE_SECRET: 'a-secret-every-worker-shares-0123456789',
  NUXT_BACKGROUND_JOBS_INSTANCE_ID: INSTANCE_ID,
  NUXT_BACKGROUND_JOBS_RECOVERY_CHAT: 'continue',
  NUXT_BACKGROUND_JOBS_LEASE_DURATION_MS: '1500',
  NUXT_BACKGROUND_JOBS_LEASE_HEARTBEAT_MS: '300',
  ...extra,
})

/** Starts the cluster and waits until both workers run an engine (each is then a live instance in Redis). */
async function startCluster(extra: Record<string, string>): Promise<ServerProcess> {
  // Known to `afterAll` from its spawn on: a test that times out while the cluster starts (a loaded
  // machine) must not leave it running after the run, its primary and workers orphaned.
  const server = await startProcess({ args: [build.entry], env: clusterEnv(extra), readyPath: '/api/jobs/catalog', onSpawn: spawned => servers.push(spawned) })
  for (let attempt = 0; await store.zCard('bgjobs:instances') < 2; attempt++) {
    if (server.process.exitCode !== null) throw new Error(`the cluster exited:\n${server.output()}`)
    if (attempt > 400) throw new Error(`expected two live instances in Redis, found ${JSON.stringify(await store.zRange('bgjobs:instances', 0, -1))}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return server
}

describe('node-cluster', () => {
  it('refuses to boot with the memory provider and two workers: one error naming the preset and the fixes, no worker listening', async () => {
    const port = await freePort()
    const child: ChildProcess = spawn(process.execPath, [build.entry], {
      env: { ...process.env, NODE_ENV: 'production', NITRO_HOST: '127.0.0.1', NITRO_PORT: String(port), NITRO_CLUSTER_WORKERS: '2', NUXT_BACKGROUND_JOBS_PROVIDER: 'memory' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout!.on('data', (chunk) => { output += chunk })
    child.stderr!.on('data', (chunk) => { output += chunk })
    const exited = once(child, 'exit')
    // A cluster that booted after all keeps running: stopped here, whatever the outcome.
    const listening = new Promise<void>(resolve => child.stdout!.on('data', () => output.includes('Listening') && resolve()))
    const [code] = await Promise.race([exited, listening.then(() => stopProcess(child)).then(() => ['listening'])])
    expect(output).not.toContain('Listening')
    expect(code).toBe(1)
    expect(output).toContain('the Nitro preset "node-cluster" runs 2 worker processes behind one port')
    expect(output).toContain('NUXT_BACKGROUND_JOBS_PROVIDER=redis')
    expect(output).toContain('NUXT_BACKGROUND_JOBS_ALLOW_PRESET=node-cluster')
  })

  it('with Redis: every worker serves every job, the primary runs no engine, and SIGTERM to the primary alone hands every worker\'s jobs off', async () => {
    // One chunk a second: the jobs are still running when the cluster stops.
    const first = await startCluster({ NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '1000' })
    // Two instances, one per worker, each named after its worker: the primary is not one.
    expect((await store.zRange('bgjobs:instances', 0, -1)).sort()).toEqual([`${INSTANCE_ID}-worker-1`, `${INSTANCE_ID}-worker-2`])

    let cookie = (await call(`${first.url}/api/jobs`)).cookie
    expect(cookie).not.toBe('')
    const jobs: string[] = []
    const owners = new Set<string>()
    // Jobs until both workers own one (new connections alternate between them).
    for (let attempt = 0; attempt < 10 && owners.size < 2; attempt++) {
      const created = await call(`${first.url}/api/jobs`, { method: 'POST', cookie, body: { messages: [{ role: 'user', content: `a long answer, job ${attempt}` }] } })
      expect(created.status).toBe(202)
      cookie = created.cookie || cookie
      const id = JSON.parse(created.text).id as string
      jobs.push(id)
      owners.add(String(await store.hGet(`bgjobs:job:${id}`, 'leaseInstance')))
    }
    expect(owners.size).toBe(2)

    // Each job, asked on both workers: found on both, and its stream starts with its snapshot. The
    // primary hands new connections to the workers in turn, so a GET and a stream read one after
    // the other would put every GET on one worker and every stream on the other: each kind of
    // read is repeated until both workers have answered it.
    for (const id of jobs) {
      const gotBy = new Set<string>()
      const streamedBy = new Set<string>()
      for (let read = 0; read < 10 && gotBy.size < 2; read++) {
        const got = await call(`${first.url}/api/jobs/${id}`, { cookie })
        expect(got.status).toBe(200)
        gotBy.add(got.servedBy)
      }
      for (let read = 0; read < 10 && streamedBy.size < 2; read++) {
        const stream = await call(`${first.url}/api/jobs/${id}/stream`, { cookie, readBytes: 60 })
        expect(stream.status).toBe(200)
        expect(stream.text).toContain('event: snapshot')
        streamedBy.add(stream.servedBy)
      }
      expect([...gotBy].sort(), `workers that answered GET /api/jobs/${id}`).toEqual(['1', '2'])
      expect([...streamedBy].sort(), `workers that streamed job ${id}`).toEqual(['1', '2'])
    }

    // SIGTERM to the primary only, as `docker stop` sends it.
    first.process.kill('SIGTERM')
    const [code] = await once(first.process, 'exit')
    expect(code).toBe(0)
    for (const id of jobs) {
      expect(first.output()).toContain(`"message":"stopping the local run without writing its end: handed off at shutdown","jobId":"${id}"`)
      expect(await store.hGet(`bgjobs:job:${id}`, 'status')).toBe('running')
    }

    // The next cluster takes them over and finishes them.
    const second = await startCluster({ NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '1' })
    for (const id of jobs) {
      const stream = await call(`${second.url}/api/jobs/${id}/stream`, { cookie })
      expect(stream.text).toMatch(/event: job-end\ndata: \{"type":"job-end","status":"completed"/)
    }
  })
})
