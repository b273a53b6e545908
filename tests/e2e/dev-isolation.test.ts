/**
 * Tool isolation under `nuxt dev` (the production build is covered by isolation.test.ts): an app
 * on the layer (tests/fixtures/dev-isolation) runs its isolated tools in worker threads of the dev
 * server — a tool answers from a thread other than the main one, and a tool stuck in a CPU loop is
 * stopped at its time limit while the dev server keeps answering.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
const FIXTURE = join(ROOT, 'tests/fixtures/dev-isolation')
// Written and removed by the test below (never committed).
const ADDED_TOOL = join(FIXTURE, 'server/tools/dev_added.ts')
// Not a tool file (no reload): written to see the tools folder watched.
const WATCH_PROBE = join(FIXTURE, 'server/tools/watch-probe.txt')
const RELOAD_TIMEOUT_MS = 60_000
// The file events the dev server's watcher reported, one a line (the fixture's watch-events.ts).
const WATCH_EVENTS_DIR = mkdtempSync(join(tmpdir(), 'bgjobs-dev-watch-'))
const WATCH_EVENTS_LOG = join(WATCH_EVENTS_DIR, 'events.log')

beforeAll(async () => {
  rmSync(ADDED_TOOL, { force: true })
  rmSync(WATCH_PROBE, { force: true })
  upstream = await startScenarioUpstream({ thread: callToolThenRecover('dev_thread_id'), spin: callToolThenRecover('dev_spin') })
  const port = await freePort()
  dev = await startProcess({
    args: [join(ROOT, 'node_modules/nuxt/bin/nuxt.mjs'), 'dev', '--port', String(port), '--host', '127.0.0.1', '--no-fork'],
    cwd: FIXTURE,
    env: { NODE_ENV: 'development', NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-dev-isolation-key-0123456789', NUXT_TELEMETRY_DISABLED: '1', WATCH_EVENTS_LOG },
    readyPath: '/api/jobs/catalog',
    // The dev server answers 503 ("starting") until Nitro is built.
    readyStatus: 200,
    port,
    // Known from its spawn on, so `afterAll` stops it even when this hook timed out while it built;
    // stopped with whatever it spawned.
    processGroup: true,
    onSpawn: (server) => { dev = server },
  })
  url = dev.url
}, 90_000)

// A file added while the watcher still scans the tools folder for the first time counts as one it
// found there: no event, no reload. A probe written there (again at each poll; no tool file, so it
// reloads nothing) until an event for it comes (its add, or a change of one the scan took) shows the
// folder watched before the tool file is written. Here, not in that test: the dev server regenerates
// its app templates at each event, better done while the other tests run than during a reload.
beforeAll(async () => {
  let probes = 0
  await untilWatched(watchEvents().length, ['add', 'change'], WATCH_PROBE, () => writeFileSync(WATCH_PROBE, String(probes++)))
}, RELOAD_TIMEOUT_MS + 10_000)

afterAll(async () => {
  rmSync(ADDED_TOOL, { force: true })
  rmSync(WATCH_PROBE, { force: true })
  await dev?.stop()
  await upstream?.close()
  rmSync(WATCH_EVENTS_DIR, { recursive: true, force: true })
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

/** The tool names the running dev server offers, once it answers (it answers 503 while it rebuilds). */
async function toolNames(): Promise<string[] | null> {
  // A request caught by a reload may get no answer at all: give up on it and ask again.
  const response = await fetch(`${url}/api/jobs/catalog`, { signal: AbortSignal.timeout(5_000) }).catch(() => null)
  if (response?.status !== 200) return null
  const body = await response.json().catch(() => null) as { tools: Array<{ name: string }> } | null
  return body ? body.tools.map(tool => tool.name) : null
}

/** Polls the catalog until `ready` holds for its tool names (a reload takes a few seconds, more on a busy machine). */
async function untilTools(ready: (names: string[]) => boolean): Promise<string[]> {
  const deadline = Date.now() + RELOAD_TIMEOUT_MS
  for (;;) {
    const names = await toolNames()
    if (names && ready(names)) return names
    if (Date.now() > deadline) throw new Error(`the dev server did not reload its tools (last: ${JSON.stringify(names)})`)
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

/** What the dev server's watcher reported so far: `<event> <path>` lines. */
function watchEvents(): string {
  return existsSync(WATCH_EVENTS_LOG) ? readFileSync(WATCH_EVENTS_LOG, 'utf8') : ''
}

/**
 * Polls until the dev server's watcher reported one of `events` for `path` after position `from` of
 * its log (`watchEvents().length` before the change); `again` runs at each poll meanwhile.
 */
async function untilWatched(from: number, events: string[], path: string, again?: () => void): Promise<void> {
  const deadline = Date.now() + RELOAD_TIMEOUT_MS
  for (;;) {
    const lines = new Set(watchEvents().slice(from).split('\n'))
    if (events.some(event => lines.has(`${event} ${path}`))) return
    if (Date.now() > deadline) throw new Error(`the dev server's watcher did not report ${events.join(' or ')} ${path}; it reported:\n${watchEvents().slice(from).slice(-4_000)}`)
    again?.()
    await new Promise(resolve => setTimeout(resolve, 250))
  }
}

describe('tool files under nuxt dev', () => {
  it('a tool file added while the dev server runs is offered without a restart, and gone once deleted', async () => {
    expect(await toolNames()).not.toContain('dev_added')
    // The tools folder is watched (the probe above): the file is written once, as a user does.
    const added = watchEvents().length
    writeFileSync(ADDED_TOOL, `import { z } from 'zod'\n\nexport default defineTool({\n  name: 'dev_added',\n  description: 'Added while the dev server runs.',\n  parameters: z.object({}),\n  execute: () => ({ added: true }),\n})\n`)
    // The dev server took the file's event (and the layer asked Nitro to reload); then its catalog.
    await untilWatched(added, ['add'], ADDED_TOOL)
    expect(await untilTools(names => names.includes('dev_added'))).toEqual(expect.arrayContaining(['dev_added', 'dev_thread_id', 'dev_spin']))
    const deleted = watchEvents().length
    rmSync(ADDED_TOOL)
    await untilWatched(deleted, ['unlink'], ADDED_TOOL)
    expect(await untilTools(names => !names.includes('dev_added'))).toEqual(expect.arrayContaining(['dev_thread_id', 'dev_spin']))
  }, 3 * RELOAD_TIMEOUT_MS)
})
