/**
 * The demo deploys: built the way `npm run build` builds it (`nuxi build demo`), its server
 * serves the chat page and runs a job to the end on the built-in scripted model. Then the Redis
 * deployment example (docs/examples/redis) runs from that build as its Dockerfile's image does
 * (the copied `.output` alone, no node_modules around it): two instances with the environment the
 * compose file gives them, behind nginx with the example's own nginx.conf. Only Docker is left out.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { composeEnv, serviceEnv } from '../support/compose-env'
import { createClient, rebuildStrictly } from '../support/http-client'
import type { Nginx } from '../support/nginx'
import { startNginx } from '../support/nginx'
import { expectEngineIdle, followToEnd, readMetrics } from '../support/ops-client'
import { useRedisServer } from '../support/redis-server'
import type { ServerProcess } from '../support/server-process'
import { buildAppCopy, ROOT, startProcess } from '../support/server-process'

let build: { entry: string, cleanup: () => void }
let demo: ServerProcess

beforeAll(async () => {
  build = buildAppCopy(join(ROOT, 'demo'))
  // Fast pacing keeps the test short; everything else is the demo's own configuration.
  // Known to `afterAll` from its spawn on (as the instances below): a hook that times out while a
  // server starts (a loaded machine) must not leave it running after the run.
  await startProcess({ args: [build.entry], env: { NUXT_BACKGROUND_JOBS_SCRIPTED_CHUNK_INTERVAL_MS: '1' }, readyPath: '/api/jobs/catalog', onSpawn: (spawned) => { demo = spawned } })
})

afterAll(async () => {
  await demo?.stop()
  build?.cleanup()
})

it('serves the chat page', async () => {
  const response = await fetch(`${demo.url}/`)
  expect(response.status).toBe(200)
  expect(await response.text()).toContain('Background jobs')
  // Its one-click approvals and deletions cannot be framed by another site.
  expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN')
  expect(response.headers.get('content-security-policy')).toBe('frame-ancestors \'self\'')
})

it('runs a job to the end on the scripted model, with the demo tools and workflows offered', async () => {
  const client = createClient(demo.url)
  const catalog = await client.get('/api/jobs/catalog')
  expect(catalog.body.model).toEqual({ scripted: true, name: 'scripted/demo' })
  expect(catalog.body.tools.map((tool: { name: string }) => tool.name)).toContain('calculate')
  expect(catalog.body.workflows.map((workflow: { name: string }) => workflow.name)).toContain('research-report')
  const report = catalog.body.workflows.find((workflow: { name: string }) => workflow.name === 'research-report')
  expect(report.questions).toEqual([expect.objectContaining({ nodeId: 'approval', onTimeout: 'default' })])

  const created = await client.post('/api/jobs', { messages: [{ role: 'user', content: 'hello there' }] })
  expect(created.status).toBe(202)
  const stream = await client.stream(created.body.streamUrl)
  const end = await stream.waitFor(frame => frame.event === 'job-end')
  expect(end.data.status).toBe('completed')
  const snapshot = await client.get(`/api/jobs/${created.body.id}`)
  expect(snapshot.body.state.content).toContain('scripted')
})

it('a first visit gets one anonymous user: the page sets one user cookie, the same one its SSR calls used', async () => {
  const page = await fetch(`${demo.url}/`)
  const cookies = page.headers.getSetCookie().filter(line => line.startsWith('bgjobs_uid='))
  expect(cookies).toHaveLength(1)
  const cookie = cookies[0]!.split(';')[0]!
  // The browser's next calls carry it: the same user, so nothing new is set.
  const list = await fetch(`${demo.url}/api/jobs`, { headers: { cookie } })
  expect(list.status).toBe(200)
  expect(list.headers.getSetCookie()).toEqual([])
  // A job of that user shows in the next server-rendered page of its thread.
  const created = await fetch(`${demo.url}/api/jobs`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ messages: [{ role: 'user', content: 'the cookie survives SSR' }], threadId: 'ssr-thread' }),
  })
  expect(created.status).toBe(202)
  const html = await (await fetch(`${demo.url}/threads/ssr-thread`, { headers: { cookie } })).text()
  expect(html).toContain('the cookie survives SSR')
})

/** `text` with `from` replaced, or an error naming what the example no longer says. */
function replaceExactly(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`the example no longer contains ${JSON.stringify(from)}: update this test with it`)
  return text.replace(from, to)
}

describe('the Redis deployment example (docs/examples/redis): the image, its environment and nginx, without Docker', () => {
  const EXAMPLE = join(ROOT, 'docs/examples/redis')
  const COMPOSE = join(EXAMPLE, 'docker-compose.yml')
  const METRICS_TOKEN = randomBytes(16).toString('hex')
  // Started before the instances and nginx below, stopped after them (its hooks come first).
  const redis = useRedisServer()
  const instances: ServerProcess[] = []
  let nginx: Nginx

  beforeAll(async () => {
    // What `NUXT_BACKGROUND_JOBS_COOKIE_SECRET=… NUXT_BACKGROUND_JOBS_RECOVERY_CHAT=continue docker compose up` sets.
    const env = composeEnv(COMPOSE, {
      NUXT_BACKGROUND_JOBS_COOKIE_SECRET: randomBytes(32).toString('hex'),
      NUXT_BACKGROUND_JOBS_RECOVERY_CHAT: 'continue',
      NUXT_BACKGROUND_JOBS_METRICS_TOKEN: METRICS_TOKEN,
    })
    // The compose service `redis` is a local redis-server here.
    env.NUXT_BACKGROUND_JOBS_REDIS_URL = replaceExactly(env.NUXT_BACKGROUND_JOBS_REDIS_URL!, 'redis://redis:6379', redis.url)
    await Promise.all(['app-a', 'app-b'].map((service, index) => startProcess({ args: [build.entry], env: { ...env, ...serviceEnv(COMPOSE, service) }, readyPath: '/api/jobs/catalog', onSpawn: (spawned) => { instances[index] = spawned } })))
    const [a, b] = instances.map(instance => new URL(instance.url).port)
    nginx = await startNginx(readFileSync(join(EXAMPLE, 'nginx.conf'), 'utf8'), (sites, port) => {
      let local = replaceExactly(sites, 'server app-a:3000;', `server 127.0.0.1:${a};`)
      local = replaceExactly(local, 'server app-b:3000;', `server 127.0.0.1:${b};`)
      return replaceExactly(local, 'listen 80;', `listen 127.0.0.1:${port};`)
    })
  }, 60_000)

  afterAll(async () => {
    await nginx?.stop()
    await Promise.all(instances.map(instance => instance.stop()))
  })

  it('each instance runs under its service name; a job posted through nginx streams whole to viewers on both', async () => {
    for (const [index, instance] of instances.entries()) expect((await readMetrics(instance.url, METRICS_TOKEN)).instanceId).toBe(['app-a', 'app-b'][index])
    const user = await createClient(nginx.url).init()
    const { status, body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'hello there' }] })
    expect(status).toBe(202)
    // Round robin: consecutive requests alternate, so the two viewers land on different instances.
    const viewers = await Promise.all([followToEnd(user, job.streamUrl), followToEnd(user, job.streamUrl)])
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(body.state.status).toBe('completed')
    expect(body.state.content).toContain('scripted')
    for (const frames of viewers) expect(rebuildStrictly(frames)).toEqual({ text: body.state.content, problems: [] })
    for (const instance of instances) expect((await readMetrics(instance.url, METRICS_TOKEN)).counters.viewers_attached_total).toBeGreaterThan(0)
  })

  it('`docker compose stop app-a` mid-answer (SIGTERM): with recovery.chat = continue, app-b runs the chat on; the viewer behind nginx gets one whole text', async () => {
    const user = await createClient(nginx.url).init()
    const { body: job } = await user.at(instances[0]!.url).post('/api/jobs', { messages: [{ role: 'user', content: 'hello there' }] })
    const first = await user.stream(job.streamUrl)
    await first.waitFor(() => first.frames.filter(frame => frame.event === 'text-delta').length >= 3)
    await instances[0]!.stop()
    const frames = await followToEnd(user, job.streamUrl, {}, await first.ended.then(() => first.frames))
    expect(frames.at(-1)).toMatchObject({ event: 'job-end', data: { status: 'completed' } })
    const { body } = await user.get(`/api/jobs/${job.id}`)
    expect(rebuildStrictly(frames)).toEqual({ text: body.state.content, problems: [] })
    expect(body.state.content).toContain('scripted')
    await expectEngineIdle(instances[1]!.url, METRICS_TOKEN)
  })
})
