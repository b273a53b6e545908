/**
 * Tool isolation under `nuxt dev` (the production build is covered by isolation.test.ts): an app
 * on the layer (tests/fixtures/dev-isolation) runs its isolated tools in worker threads of the dev
 * server — a tool answers from a thread other than the main one, and a tool stuck in a CPU loop is
 * stopped at its time limit while the dev server keeps answering.
 */
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { callToolThenRecover, startScenarioUpstream } from '../support/mock-upstream'
import type { ServerProcess } from '../support/server-process'
import { freePort, ROOT, startProcess } from '../support/server-process'

let upstream: MockUpstream
let dev: ServerProcess
let url: string

beforeAll(async () => {
  upstream = await startScenarioUpstream({ thread: callToolThenRecover('dev_thread_id'), spin: callToolThenRecover('dev_spin') })
  const port = await freePort()
  dev = await startProcess({
    args: [join(ROOT, 'node_modules/nuxt/bin/nuxt.mjs'), 'dev', '--port', String(port), '--host', '127.0.0.1', '--no-fork'],
    cwd: join(ROOT, 'tests/fixtures/dev-isolation'),
    env: { NODE_ENV: 'development', NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-dev-isolation-key-0123456789', NUXT_TELEMETRY_DISABLED: '1' },
    readyPath: '/api/jobs/catalog',
    // The dev server answers 503 ("starting") until Nitro is built.
    readyStatus: 200,
    port,
  })
  url = dev.url
}, 90_000)

afterAll(async () => {
  await dev?.stop()
  await upstream?.close()
})

/** Runs a scenario's job to its end as a new user; returns its final state. */
async function run(scenario: string) {
  const user = await createClient(url).init()
  const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: `dev:${scenario}:${randomUUID()}` }] })
  expect(created.status).toBe(202)
  const stream = await user.stream(created.body.streamUrl)
  await stream.ended
  return (await user.get(`/api/jobs/${created.body.id}`)).body.state
}

describe('isolated tools under nuxt dev', () => {
  it('an isolated tool runs in a worker thread of the dev server', async () => {
    const state = await run('thread')
    expect(state.status).toBe('completed')
    expect(state.toolCalls).toEqual([expect.objectContaining({ name: 'dev_thread_id', status: 'completed', result: { threadId: expect.any(Number) } })])
    expect(state.toolCalls[0].result.threadId).toBeGreaterThan(0)
    expect(state.content).toContain('Recovered.')
  })

  it('a tool stuck in a CPU loop is stopped at its time limit; the job goes on and the server still answers', async () => {
    const state = await run('spin')
    expect(state.status).toBe('completed')
    expect(state.toolCalls).toEqual([expect.objectContaining({ name: 'dev_spin', status: 'timeout' })])
    expect((await fetch(`${url}/api/jobs/catalog`)).status).toBe(200)
    expect((await run('thread')).toolCalls[0].status).toBe('completed')
  })
})
