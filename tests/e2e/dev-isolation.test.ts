/**
 * Tool isolation under `nuxt dev` (the production build is covered by isolation.test.ts): an app
 * on the layer (tests/fixtures/dev-isolation) runs its isolated tools in worker threads of the dev
 * server — a tool answers from a thread other than the main one, and a tool stuck in a CPU loop is
 * stopped at its time limit while the dev server keeps answering.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../support/http-client'
import type { MockUpstream } from '../support/mock-upstream'
import { callToolThenRecover, startScenarioUpstream } from '../support/mock-upstream'
import { freePort, ROOT } from '../support/server-process'

const APP_DIR = join(ROOT, 'tests/fixtures/dev-isolation')

let upstream: MockUpstream
let dev: ChildProcess
let url: string
let output = ''

beforeAll(async () => {
  upstream = await startScenarioUpstream({ thread: callToolThenRecover('dev_thread_id'), spin: callToolThenRecover('dev_spin') })
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  dev = spawn(process.execPath, [join(ROOT, 'node_modules/nuxt/bin/nuxt.mjs'), 'dev', '--port', String(port), '--host', '127.0.0.1', '--no-fork'], {
    cwd: APP_DIR,
    env: { ...process.env, NODE_ENV: 'development', NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-dev-isolation-key-0123456789', NUXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  dev.stdout!.on('data', (chunk) => { output += chunk })
  dev.stderr!.on('data', (chunk) => { output += chunk })
  // The dev server answers once Nitro is built (a 503 "starting" page before that).
  for (let attempt = 0; ; attempt++) {
    if (dev.exitCode !== null) throw new Error(`nuxt dev exited early:\n${output}`)
    const status = await fetch(`${url}/api/jobs/catalog`).then(response => response.status, () => 0)
    if (status === 200) break
    if (attempt > 1_200) throw new Error(`nuxt dev did not start:\n${output}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}, 90_000)

afterAll(async () => {
  if (dev && dev.exitCode === null && dev.signalCode === null) {
    const exited = new Promise(resolve => dev.once('exit', resolve))
    dev.kill('SIGTERM')
    const forced = setTimeout(() => dev.kill('SIGKILL'), 5_000)
    await exited
    clearTimeout(forced)
  }
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
