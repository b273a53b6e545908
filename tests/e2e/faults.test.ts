/**
 * The fault suite over real HTTP: a real app process against a real mock upstream that misbehaves
 * on purpose. Each fault job runs next to a healthy control job; afterwards the engine must hold
 * nothing (runs, viewers, job timers, pending inputs: read from the metrics route).
 */
import { randomUUID } from 'node:crypto'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { AppServer, ScenarioApp } from '../support/app-server'
import { startAppServer, startScenarioApp } from '../support/app-server'
import { createClient, textFromFrames } from '../support/http-client'
import type { MockTurn } from '../support/mock-upstream'
import { callToolThenRecover, startMockUpstream, userMessageOf } from '../support/mock-upstream'
import { anonymousCookie, expectEngineIdle, followToEnd, openRawStream, readMetrics } from '../support/ops-client'
import { parsePrometheusText } from '../support/prometheus-parser'

const TOKEN = 'ops-token-for-tests'
const CONTROL_CHUNKS = Array.from({ length: 40 }, (_, index) => `control ${index}; `)
const CONTROL_TEXT = CONTROL_CHUNKS.join('')
const validChunk = (content: string) => `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}`
// Big enough to fill the kernel's socket buffers of a client that never reads.
const FLOOD_CHUNKS = Array.from({ length: 1500 }, (_, index) => `${String(index).padStart(5, '0')}${'x'.repeat(8000)}\n`)

/** What the upstream does for each scenario; `attempt` counts this job's upstream requests. */
const SCENARIOS: Record<string, (attempt: number) => MockTurn> = {
  'control': () => ({ chunks: CONTROL_CHUNKS, delayMs: 4 }),
  'close-mid-stream': () => ({ chunks: ['Partial ', 'answer ', 'never sent'], closeAfterChunks: 2 }),
  'rate-limited-once': attempt => attempt === 0 ? { status: 429, headers: { 'retry-after': '0' } } : { chunks: ['Second ', 'try.'] },
  'server-error-forever': () => ({ status: 500, body: '{"error":{"message":"upstream broke"}}' }),
  'stall-before-first-token': () => ({ hangAfterChunks: 0 }),
  'stall-mid-stream': () => ({ chunks: ['Before ', 'the stall'], hangAfterChunks: 2 }),
  'error-chunk': () => ({ chunks: ['Some ', 'text'], errorChunkAfter: 2, errorMessage: 'provider overloaded' }),
  'invalid-json': () => ({ rawLines: [validChunk('Valid start'), 'data: {"choices":[{"delta":', 'data: [DONE]'] }),
  'tool-hang': callToolThenRecover('fixture_hang'),
  'tool-throw': callToolThenRecover('fixture_throw'),
  'tool-stray': callToolThenRecover('fixture_stray'),
  'tool-exit': callToolThenRecover('fixture_exit'),
  'tool-exit-after': attempt => attempt === 0 ? { chunks: ['Calling. '], toolCalls: [{ name: 'fixture_exit', arguments: '{"when":"after"}' }] } : { chunks: ['Recovered.'] },
  'slow': () => ({ chunks: CONTROL_CHUNKS, delayMs: 25 }),
  'flood': () => ({ chunks: FLOOD_CHUNKS, delayMs: 0 }),
}

let running: ScenarioApp
let app: AppServer

beforeAll(async () => {
  running = await startScenarioApp(SCENARIOS, {
    // Short for the stall scenarios, yet long enough that a loaded machine pausing the flood's
    // upstream (12 MB sent as fast as it goes) is not taken for a stall: at 1.5 s the flood's job
    // still ended `failed` once with the machine at a load average of 15-18 (two full runs beside
    // other work); each stall case waits it once.
    NUXT_BACKGROUND_JOBS_UPSTREAM_FIRST_TOKEN_TIMEOUT_MS: '4000',
    NUXT_BACKGROUND_JOBS_UPSTREAM_STALL_TIMEOUT_MS: '4000',
    NUXT_BACKGROUND_JOBS_UPSTREAM_RETRY_BASE_DELAY_MS: '10',
    NUXT_BACKGROUND_JOBS_METRICS_TOKEN: TOKEN,
  })
  app = running.app
})

afterAll(async () => {
  await running?.stop()
})

/** Starts a job of a scenario as a new user and follows it to its end. */
async function runScenario(name: string) {
  const user = await createClient(app.url).init()
  const tag = `fault:${name}:${randomUUID()}`
  const created = await user.post('/api/jobs', { messages: [{ role: 'user', content: tag }] })
  expect(created.status).toBe(202)
  const stream = await user.stream(created.body.streamUrl)
  const end = await stream.waitFor(frame => frame.event === 'job-end')
  await stream.ended
  const { body } = await user.get(`/api/jobs/${created.body.id}`)
  return { id: created.body.id as string, end: end.data, text: textFromFrames(stream.frames), frames: stream.frames, state: body.state, requests: running.upstream.requests.filter(request => userMessageOf(request) === tag) }
}

/** Runs a fault next to a healthy job; the healthy one must not notice. */
async function withControl(name: string) {
  const [fault, control] = await Promise.all([runScenario(name), runScenario('control')])
  expect(control.end.status).toBe('completed')
  expect(control.text).toBe(CONTROL_TEXT)
  // What the viewer rebuilt is what the job stored: the partial text is kept.
  expect(fault.state.content).toBe(fault.text)
  return fault
}

describe('upstream faults', () => {
  afterEach(() => expectEngineIdle(app.url, TOKEN))

  it.each([
    ['close-mid-stream', 'upstream-network', 'Partial answer ', 1],
    ['server-error-forever', 'upstream-http', '', 3],
    ['stall-before-first-token', 'upstream-timeout', '', 1],
    ['stall-mid-stream', 'upstream-timeout', 'Before the stall', 1],
    ['error-chunk', 'upstream-stream', 'Some text', 1],
    ['invalid-json', 'upstream-protocol', 'Valid start', 1],
  ])('%s → failed with %s, partial text kept', async (name, code, partial, requestCount) => {
    const fault = await withControl(name)
    expect(fault.end.status).toBe('failed')
    expect(fault.end.error).toMatchObject({ code, failedDuring: 'model' })
    expect(fault.text).toBe(partial)
    // Retries happen only before the first token, and only for 429/5xx/network errors.
    expect(fault.requests).toHaveLength(requestCount)
    expect(fault.frames.at(-1)!.event).toBe('job-end')
  })

  it('429 then 200 → retried once and completed', async () => {
    const fault = await withControl('rate-limited-once')
    expect(fault.end.status).toBe('completed')
    expect(fault.text).toBe('Second try.')
    expect(fault.requests).toHaveLength(2)
  })

  it.each([
    ['tool-hang', 'timeout', /200 ms/],
    ['tool-throw', 'error', /fixture tool exploded/],
  ])('%s → tool result %s, the model reads it and the job completes', async (name, status, message) => {
    const fault = await withControl(name)
    expect(fault.end.status).toBe('completed')
    // Each model round starts a new paragraph.
    expect(fault.text).toBe('Calling. \n\nRecovered.')
    // As the job stored it: a viewer that joined after the call ended has it in its snapshot, not as a frame.
    const [call] = fault.state.toolCalls as Array<{ status: string, error?: string }>
    expect(fault.state.toolCalls).toHaveLength(1)
    expect(call!.status).toBe(status)
    expect(call!.error).toMatch(message)
    const toolMessage = (fault.requests[1]!.body!.messages as Array<{ role: string, content: string }>).find(item => item.role === 'tool')!
    expect(toolMessage.content).toMatch(message)
  })
})

describe('stray errors of an in-process tool', () => {
  afterEach(() => expectEngineIdle(app.url, TOKEN))

  it('a throw in a timer and a rejection left unhandled after the call answered: logged once each naming the tool and the job, counted, the server stays up', async () => {
    const fault = await withControl('tool-stray')
    expect(fault.end.status).toBe('completed')
    expect(fault.frames.find(frame => frame.event === 'tool-result')!.data).toMatchObject({ status: 'completed', result: { answered: true } })
    const strayLines = () => app.output().split('\n').filter(line => line.includes('fixture stray')).map(line => line.trim())
    await expect.poll(() => strayLines().length).toBe(2)
    const logged = strayLines().map(line => JSON.parse(line))
    expect(logged).toEqual(expect.arrayContaining(['uncaughtException', 'unhandledRejection'].map(kind => expect.objectContaining({
      level: 'error',
      message: expect.stringContaining('tool "fixture_stray" raised an error from a callback or a promise left unhandled after its call had ended'),
      tool: 'fixture_stray',
      jobId: fault.id,
      kind,
    }))))
    // Nitro's own anonymous line ([uncaughtException] Error: …) is not written for them.
    expect(app.output()).not.toMatch(/\[(uncaughtException|unhandledRejection)\]/)
    const { counters } = await readMetrics(app.url, TOKEN)
    expect(counters['tool_stray_errors_total{kind="uncaughtException",tool="fixture_stray"}']).toBeGreaterThanOrEqual(1)
    expect(counters['tool_stray_errors_total{kind="unhandledRejection",tool="fixture_stray"}']).toBeGreaterThanOrEqual(1)
    // Still serving: another job runs to its end.
    expect((await runScenario('control')).end.status).toBe('completed')
  })
})

describe('process.exit() in an in-process tool', () => {
  afterEach(() => expectEngineIdle(app.url, TOKEN))

  it('asked for by execute: the call fails saying so, the job completes, the server and the job beside it go on', async () => {
    const fault = await withControl('tool-exit')
    expect(fault.end.status).toBe('completed')
    expect(fault.text).toBe('Calling. \n\nRecovered.')
    expect(fault.state.toolCalls[0]).toMatchObject({ name: 'fixture_exit', status: 'error', error: 'Tool "fixture_exit" failed' })
    const failed = app.output().split('\n').filter(line => line.includes('tool \\"fixture_exit\\" failed')).map(line => JSON.parse(line))
    expect(failed).toEqual([expect.objectContaining({ tool: 'fixture_exit', jobId: fault.id, error: expect.objectContaining({ message: 'process.exit(3) is not allowed in a tool: it would end the server and every job on it; throw an error instead' }) })])
    expect(app.process.exitCode).toBeNull()
    expect((await runScenario('control')).end.status).toBe('completed')
  })

  it('asked for from a timer after the call answered: the answer stands, a stray error names the tool and the job, the server goes on', async () => {
    const fault = await withControl('tool-exit-after')
    expect(fault.end.status).toBe('completed')
    expect(fault.state.toolCalls[0]).toMatchObject({ name: 'fixture_exit', status: 'completed', result: { answered: true } })
    const strayLine = () => app.output().split('\n').find(line => line.includes('process.exit(4) is not allowed'))
    await expect.poll(strayLine).toBeDefined()
    expect(JSON.parse(strayLine()!)).toMatchObject({ level: 'error', tool: 'fixture_exit', jobId: fault.id, kind: 'uncaughtException', message: expect.stringContaining('after its call had ended') })
    expect(app.process.exitCode).toBeNull()
    expect((await runScenario('control')).end.status).toBe('completed')
  })
})

describe('viewer faults', () => {
  afterEach(() => expectEngineIdle(app.url, TOKEN))

  it('a viewer that disconnects mid-batch changes nothing for the job or the other viewer', async () => {
    const user = await createClient(app.url).init()
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `fault:slow:${randomUUID()}` }] })
    const leaving = await user.stream(job.streamUrl)
    const staying = await user.stream(job.streamUrl)
    await leaving.waitFor(frame => frame.event === 'text-delta')
    leaving.close()
    const end = await staying.waitFor(frame => frame.event === 'job-end')
    expect(end.data.status).toBe('completed')
    expect(textFromFrames(staying.frames)).toBe(CONTROL_TEXT)
    const ids = staying.frames.map(frame => Number(frame.id))
    expect(ids).toEqual([...ids].sort((left, right) => left - right))
  })

  it('a viewer that never reads does not hold up the job or other viewers, and is let go at the end', async () => {
    const user = await createClient(app.url).init()
    const cookie = await anonymousCookie(app.url)
    const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: `fault:flood:${randomUUID()}` }] }, { cookie })
    const stuck = await openRawStream(app.url, job.streamUrl, cookie)
    const control = runScenario('control')
    // A reader that keeps up (reconnecting with its id if it ever falls behind, as EventSource does).
    const read = await followToEnd(user, job.streamUrl, { cookie })
    const fullText = FLOOD_CHUNKS.join('')
    expect(read.at(-1)!.data.status).toBe('completed')
    expect(textFromFrames(read)).toBe(fullText)
    expect((await control).text).toBe(CONTROL_TEXT)
    // The stuck socket is still open and unread, yet the engine holds no viewer for it.
    expect(stuck.socket.destroyed).toBe(false)
    await expectEngineIdle(app.url, TOKEN)
    // When it reads at last, it has a consistent prefix; reconnecting with its id completes it.
    const { statusLine, frames } = await stuck.readAll()
    expect(statusLine).toContain('200')
    const all = await followToEnd(user, job.streamUrl, { cookie }, frames)
    expect(all.at(-1)!.event).toBe('job-end')
    expect(textFromFrames(all)).toBe(fullText)
    const ids = all.map(frame => Number(frame.id))
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('metrics after faults', () => {
  it('count jobs by status, tool timeouts, upstream errors and frames sent; Prometheus text too', async () => {
    const metrics = await readMetrics(app.url, TOKEN)
    expect(metrics.counters['jobs_ended_total{status="failed"}']).toBeGreaterThanOrEqual(6)
    expect(metrics.counters['jobs_ended_total{status="completed"}']).toBeGreaterThanOrEqual(6)
    expect(metrics.counters['upstream_errors_total{code="upstream-timeout"}']).toBeGreaterThanOrEqual(2)
    expect(metrics.counters.tool_timeouts_total).toBeGreaterThanOrEqual(1)
    expect(metrics.counters['events_sent_total{event="job-end"}']).toBeGreaterThanOrEqual(12)
    expect(metrics.histograms.delta_batch_chars.count).toBeGreaterThan(0)
    expect(metrics.jobsByStatus).toEqual({ queued: 0, running: 0, waiting: 0 })
    const response = await fetch(`${app.url}/api/jobs/metrics?format=prometheus`, { headers: { authorization: `Bearer ${TOKEN}` } })
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    const text = await response.text()
    expect(text).toContain('# TYPE background_jobs_jobs_ended_total counter')
    // A strict parse: names, escapes, HELP/TYPE once per family, families together, cumulative buckets.
    const families = parsePrometheusText(text)
    for (const [name, family] of families) expect(family.help && family.type, name).toBeTruthy()
    expect(families.get('background_jobs_jobs_ended_total')!.samples.reduce((sum, sample) => sum + sample.value, 0)).toBe(
      Object.entries(metrics.counters).filter(([key]) => key.startsWith('jobs_ended_total')).reduce((sum, [, value]) => sum + Number(value), 0))
    // Every # TYPE line comes right after its # HELP line.
    expect(text.match(/^# TYPE .+$/gm)!.length).toBe(text.match(/^# HELP \S+ .+\n# TYPE /gm)!.length)
    expect(text).toMatch(/^background_jobs_engine_runs 0$/m)
    expect((await fetch(`${app.url}/api/jobs/metrics`)).status).toBe(401)
    expect((await fetch(`${app.url}/api/jobs/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401)
  })

  it('no fault became an unhandled error or a 500 in the server log', () => {
    // The stray errors fixture_stray and fixture_exit raise on purpose are logged as such (checked above).
    const output = app.output().split('\n').filter(line => !/"tool":"fixture_(stray|exit)"/.test(line)).join('\n')
    expect(output).not.toMatch(/unhandled|unexpected error|Internal error/i)
  })
})

describe('shutdown', () => {
  it('SIGTERM mid-job: the viewer gets job-end failed/shutdown with the partial text, and the process exits', async () => {
    const local = await startMockUpstream(() => ({ chunks: CONTROL_CHUNKS, delayMs: 30 }))
    const server = await startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: local.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-shutdown-test-key' })
    try {
      const user = await createClient(server.url).init()
      // Without a metrics token the route does not exist.
      expect((await fetch(`${server.url}/api/jobs/metrics`)).status).toBe(404)
      const { body: job } = await user.post('/api/jobs', { messages: [{ role: 'user', content: 'long answer please' }] })
      const stream = await user.stream(job.streamUrl)
      const notifications = await user.stream('/api/jobs/notifications')
      await stream.waitFor(frame => frame.event === 'text-delta')
      const exited = new Promise<number | null>(resolve => server.process.once('exit', code => resolve(code)))
      server.process.kill('SIGTERM')
      const end = await stream.waitFor(frame => frame.event === 'job-end')
      expect(end.data.status).toBe('failed')
      expect(end.data.error.code).toBe('shutdown')
      const partial = textFromFrames(stream.frames)
      expect(partial.length).toBeGreaterThan(0)
      expect(CONTROL_TEXT.startsWith(partial)).toBe(true)
      await stream.ended
      await notifications.ended
      expect(await exited).toBe(0)
      await expect.poll(() => local.requests[0]?.aborted).toBe(true)
    }
    finally {
      await server.stop()
      await local.close()
    }
  })
})
