/**
 * Tool isolation in the production build of the fixture app: its isolated tools
 * (tests/fixtures/basic/server/tools: fixture_spin, fixture_hog, fixture_thread_id; fixture_throw
 * and fixture_word_count forced by NUXT_BACKGROUND_JOBS_TOOLS_ISOLATED) run from the worker chunk
 * of that build. One worker, so a call that was not really stopped would block the next one.
 * A mock upstream asks for the tools; the user message of a job names its scenario.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer, ScenarioApp } from '../support/app-server'
import { startScenarioApp } from '../support/app-server'
import { createClient, textFromFrames } from '../support/http-client'
import type { MockTurn } from '../support/mock-upstream'
import { callToolThenRecover } from '../support/mock-upstream'
import { expectEngineIdle, readMetrics } from '../support/ops-client'

const TOKEN = 'ops-token-for-isolation-tests'
const HEAP_MB = 32
const CONTROL_CHUNKS = Array.from({ length: 20 }, (_, index) => `flowing ${index}; `)

const SCENARIOS: Record<string, (attempt: number) => MockTurn> = {
  'spin': callToolThenRecover('fixture_spin'),
  'hog': callToolThenRecover('fixture_hog'),
  'thread': callToolThenRecover('fixture_thread_id'),
  'throw': callToolThenRecover('fixture_throw'),
  'word-count': callToolThenRecover('fixture_word_count'),
  'control': () => ({ chunks: CONTROL_CHUNKS, delayMs: 20 }),
}

let running: ScenarioApp
let app: AppServer

beforeAll(async () => {
  running = await startScenarioApp(SCENARIOS, {
    NUXT_BACKGROUND_JOBS_TOOLS_ISOLATED: 'fixture_throw,fixture_word_count',
    NUXT_BACKGROUND_JOBS_ISOLATION_MAX_WORKERS: '1',
    NUXT_BACKGROUND_JOBS_ISOLATION_HEAP_MB: String(HEAP_MB),
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
  })
  app = running.app
})

afterAll(async () => {
  await running?.stop()
})

/** Starts a job of a scenario as a new user; returns its open stream. */
async function startScenario(name: string) {
  const user = await createClient(app.url).init()
  const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: `isolation:${name}:${randomUUID()}` }] })
  expect(created.status).toBe(202)
  return { user, id: created.body.id as string, stream: await user.stream(created.body.streamUrl) }
}

/** Runs a scenario to its end. */
async function runScenario(name: string) {
  const { stream } = await startScenario(name)
  const end = await stream.waitFor(frame => frame.event === 'job-end')
  await stream.ended
  return { end: end.data, frames: stream.frames, result: stream.frames.find(frame => frame.event === 'tool-result')?.data, text: textFromFrames(stream.frames) }
}

async function workerThreadId(): Promise<number> {
  const { result } = await runScenario('thread')
  expect(result).toMatchObject({ status: 'completed' })
  return result.result.threadId
}

describe('isolated tools in the production build', () => {
  it('a normal result and a thrown error look exactly like in-process ones', async () => {
    const counted = await runScenario('word-count')
    expect(counted.result).toMatchObject({ status: 'completed', result: { words: 3 } })
    const thrown = await runScenario('throw')
    // The same message the fault suite sees for the in-process fixture_throw.
    expect(thrown.result).toMatchObject({ status: 'error', error: 'Tool "fixture_throw" failed: fixture tool exploded' })
    expect(thrown.end).toMatchObject({ status: 'completed' })
    expect(thrown.text).toContain('Recovered.')
    expect(await workerThreadId()).toBeGreaterThan(0)
  })

  it('a CPU loop is stopped at its time limit while other jobs keep streaming; the job goes on', async () => {
    const before = await workerThreadId()
    const spin = await startScenario('spin')
    await spin.stream.waitFor(frame => frame.event === 'tool-call')
    // A whole other job streams from start to end while the tool spins (an in-process loop would freeze it).
    const control = await startScenario('control')
    await control.stream.waitFor(frame => frame.event === 'job-end')
    expect(control.stream.frames.filter(frame => frame.event === 'text-delta').length).toBeGreaterThan(0)
    expect(textFromFrames(control.stream.frames)).toBe(CONTROL_CHUNKS.join(''))
    expect(spin.stream.frames.filter(frame => frame.event === 'tool-result').map(frame => frame.data)).toEqual([])

    const end = await spin.stream.waitFor(frame => frame.event === 'job-end')
    const result = spin.stream.frames.find(frame => frame.event === 'tool-result')!.data
    expect(result).toMatchObject({ status: 'timeout', error: 'Tool "fixture_spin" timed out after 2000 ms' })
    expect(end.data).toMatchObject({ status: 'completed' })
    expect(textFromFrames(spin.stream.frames)).toContain('Recovered.')
    expect(await workerThreadId()).not.toBe(before)
  })

  it('aborting the job terminates the isolated call at once', async () => {
    const before = await workerThreadId()
    const spin = await startScenario('spin')
    await spin.stream.waitFor(frame => frame.event === 'tool-call')
    expect((await spin.user.post(`/api/jobs/${spin.id}/abort`)).status).toBe(200)
    const end = await spin.stream.waitFor(frame => frame.event === 'job-end')
    expect(end.data).toMatchObject({ status: 'aborted' })
    // One worker: this answers (before the spin's 2 s limit would) only because the spin's worker was terminated.
    expect(await workerThreadId()).not.toBe(before)
  })

  it('a tool past its heap cap fails with a clear error; the server heap is not where it grew', async () => {
    const heapBefore = (await readMetrics(app.url, TOKEN)).process.heapUsedBytes
    const hog = await runScenario('hog')
    expect(hog.result).toMatchObject({ status: 'error', error: `Tool "fixture_hog" was stopped: it used more memory than its heap limit of ${HEAP_MB} MB (isolation.heapMb)` })
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
    expect(metrics.counters).toMatchObject({ 'isolated_calls_stopped_total{reason="signal"}': 2, 'isolated_calls_stopped_total{reason="heap"}': 1 })
  })
})
