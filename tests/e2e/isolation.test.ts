/**
 * Tool isolation in the production build of the fixture app: its isolated tools
 * (tests/fixtures/basic/server/tools: fixture_spin(_long), fixture_hog, fixture_thread_id; fixture_throw
 * and fixture_word_count forced by NUXT_BACKGROUND_JOBS_TOOLS_ISOLATED) run from the worker chunk
 * of that build. One worker, so a call that was not really stopped would block the next one.
 * A mock upstream asks for the tools; the user message of a job names its scenario.
 */
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer, ScenarioApp } from '../support/app-server'
import { startScenarioApp } from '../support/app-server'
import { createClient } from '../support/http-client'
import type { MockTurn } from '../support/mock-upstream'
import { callToolThenRecover } from '../support/mock-upstream'
import { expectEngineIdle, readMetrics } from '../support/ops-client'

const TOKEN = 'ops-token-for-isolation-tests'
const HEAP_MB = 32
const CONTROL_CHUNKS = Array.from({ length: 20 }, (_, index) => `flowing ${index}; `)

const SCENARIOS: Record<string, (attempt: number) => MockTurn> = {
  'spin': callToolThenRecover('fixture_spin'),
  'spin-long': callToolThenRecover('fixture_spin_long'),
  'hog': callToolThenRecover('fixture_hog'),
  'thread': callToolThenRecover('fixture_thread_id'),
  'throw': callToolThenRecover('fixture_throw'),
  'word-count': callToolThenRecover('fixture_word_count'),
  'control': () => ({ chunks: CONTROL_CHUNKS, delayMs: 20 }),
}

let running: ScenarioApp
let app: AppServer
/** Where fixture_spin_long says a worker runs it (FIXTURE_SPIN_STARTED_URL): the job ids it POSTed. */
let startedServer: Server
const spinStarted = new Map<string, () => void>()
const spinStarts = new Map<string, Promise<void>>()

/** Resolves once fixture_spin_long runs in a worker for job `id` (it POSTed the id). */
function spinRunning(id: string): Promise<void> {
  if (!spinStarts.has(id)) spinStarts.set(id, new Promise(resolve => spinStarted.set(id, resolve)))
  return spinStarts.get(id)!
}

beforeAll(async () => {
  startedServer = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => { body += chunk })
    request.on('end', () => {
      void spinRunning(body)
      spinStarted.get(body)!()
      response.end()
    })
  })
  await new Promise<void>(resolve => startedServer.listen(0, '127.0.0.1', resolve))
  running = await startScenarioApp(SCENARIOS, {
    FIXTURE_SPIN_STARTED_URL: `http://127.0.0.1:${(startedServer.address() as AddressInfo).port}/`,
    NUXT_BACKGROUND_JOBS_TOOLS_ISOLATED: 'fixture_throw,fixture_word_count',
    NUXT_BACKGROUND_JOBS_ISOLATION_MAX_WORKERS: '1',
    NUXT_BACKGROUND_JOBS_ISOLATION_HEAP_MB: String(HEAP_MB),
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
  })
  app = running.app
})

afterAll(async () => {
  await running?.stop()
  await new Promise(resolve => startedServer?.close(resolve))
})

/** Starts a job of a scenario as a new user; returns its open stream. */
async function startScenario(name: string) {
  const user = await createClient(app.url).init()
  const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: `isolation:${name}:${randomUUID()}` }] })
  expect(created.status).toBe(202)
  const id = created.body.id as string
  const stream = await user.stream(created.body.streamUrl)
  /** The job's state as the server has it now. */
  const state = async () => (await user.get(`/api/jobs/${id}`)).body.state
  return { user, id, stream, state }
}

/** Runs a scenario to its end; `call` is its (first) tool call as the final state records it. */
async function runScenario(name: string) {
  const job = await startScenario(name)
  const end = await job.stream.waitFor(frame => frame.event === 'job-end')
  await job.stream.ended
  const state = await job.state()
  return { end: end.data, state, call: state.toolCalls[0], text: state.content as string }
}

/** Waits until the job's tool call has started (its event, or a snapshot taken after it). */
async function untilToolCalled(job: Awaited<ReturnType<typeof startScenario>>) {
  await job.stream.waitFor(frame => frame.event === 'tool-call' || (frame.event === 'snapshot' && frame.data.toolCalls.length > 0))
}

async function workerThreadId(): Promise<number> {
  const { call } = await runScenario('thread')
  expect(call).toMatchObject({ status: 'completed' })
  return call.result.threadId
}

describe('isolated tools in the production build', () => {
  it('a normal result and a thrown error look exactly like in-process ones', async () => {
    const counted = await runScenario('word-count')
    expect(counted.call).toMatchObject({ status: 'completed', result: { words: 3 } })
    const thrown = await runScenario('throw')
    // The same message the fault suite sees for the in-process fixture_throw: a ToolError's, as is.
    expect(thrown.call).toMatchObject({ status: 'error', error: 'fixture tool exploded' })
    expect(thrown.end).toMatchObject({ status: 'completed' })
    expect(thrown.text).toContain('Recovered.')
    expect(await workerThreadId()).toBeGreaterThan(0)
  })

  it('a CPU loop is stopped at its time limit while other jobs keep streaming; the job goes on', async () => {
    // A whole other job runs from start to end — every one of its events committed and streamed —
    // while a worker spins (an in-process loop would freeze it, and this server, until the limit).
    // The spin is fixture_spin_long (60 s limit), running in its worker before the control job
    // starts: the control job's pace on a loaded machine cannot outlast it, as it did fixture_spin's 2 s.
    const long = await startScenario('spin-long')
    await spinRunning(long.id)
    const control = await runScenario('control')
    expect(control.end).toMatchObject({ status: 'completed' })
    expect(control.text).toBe(CONTROL_CHUNKS.join(''))
    expect(control.state.seq).toBeGreaterThan(5)
    expect((await long.state()).toolCalls[0]).toMatchObject({ name: 'fixture_spin_long', status: 'running' })
    expect((await long.user.post(`/api/jobs/${long.id}/abort`)).status).toBe(200)
    await long.stream.waitFor(frame => frame.event === 'job-end')

    // The time limit: the loop never looks at its signal, so only terminating its worker stops it.
    const before = await workerThreadId()
    const spin = await runScenario('spin')
    expect(spin.end).toMatchObject({ status: 'completed' })
    expect(spin.call).toMatchObject({ status: 'timeout', error: 'Tool "fixture_spin" timed out after 2000 ms' })
    expect(spin.text).toContain('Recovered.')
    expect(await workerThreadId()).not.toBe(before)
  })

  it('aborting the job terminates the isolated call at once', async () => {
    const before = await workerThreadId()
    const spin = await startScenario('spin-long')
    // Its worker runs it: the tool-call event alone can come while the call still waits for the
    // only worker (back from the last call's leftover turn), and aborting it then stops no worker.
    await spinRunning(spin.id)
    expect((await spin.user.post(`/api/jobs/${spin.id}/abort`)).status).toBe(200)
    const end = await spin.stream.waitFor(frame => frame.event === 'job-end')
    expect(end.data).toMatchObject({ status: 'aborted' })
    // One worker, and the spin's own limit is 60 s: this call runs at all only because the abort terminated that worker.
    expect(await workerThreadId()).not.toBe(before)
  })

  it('a tool past its heap cap fails with a clear error; the server heap is not where it grew', async () => {
    const heapBefore = (await readMetrics(app.url, TOKEN)).process.heapUsedBytes
    const hog = await runScenario('hog')
    expect(hog.call).toMatchObject({ status: 'error', error: `Tool "fixture_hog" was stopped: it used more memory than its heap limit of ${HEAP_MB} MB (isolation.heapMb)` })
    expect(hog.end).toMatchObject({ status: 'completed' })
    const heapAfter = (await readMetrics(app.url, TOKEN)).process.heapUsedBytes
    // The tool held more than HEAP_MB when it was stopped; the server's own heap grew by far less.
    expect(heapAfter - heapBefore).toBeLessThan(HEAP_MB * 1024 * 1024 / 2)
    expect(await workerThreadId()).toBeGreaterThan(0)
  })

  it('leaves nothing behind', async () => {
    await expectEngineIdle(app.url, TOKEN)
    const metrics = await readMetrics(app.url, TOKEN)
    expect(metrics.engine).toMatchObject({ isolatedCalls: 0, isolationWorkers: 1 })
    // Signal stops: fixture_spin at its time limit, and the two aborted fixture_spin_long calls.
    expect(metrics.counters).toMatchObject({ 'isolated_calls_stopped_total{reason="signal"}': 3, 'isolated_calls_stopped_total{reason="heap"}': 1 })
  })
})
