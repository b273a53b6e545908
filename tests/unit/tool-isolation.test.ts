/**
 * Isolated tools in real worker threads (the worker entry is bundled once, as Nitro would): the
 * same calls give the same events as in-process; a tool that spins or allocates without bound is
 * stopped for real — its worker is terminated and replaced, seen as a new thread id — and the
 * queue is bounded. No wall-clock asserts: the spinning tool writes a marker file when it starts.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { threadId as mainThreadId } from 'node:worker_threads'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createFakeRunContext } from '../support/fake-run-context'
import { ISOLATION_TEST_TOOL_NAMES, ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import type { BuiltIsolationWorker } from '../support/isolation-worker'
import { buildIsolationWorker } from '../support/isolation-worker'
import { createStepModel } from '../support/step-model'
import { recordingLogger } from '../support/recording-logger'

let worker: BuiltIsolationWorker
let markers: string
const pools: ToolIsolation[] = []

beforeAll(async () => {
  worker = await buildIsolationWorker()
  markers = mkdtempSync(join(tmpdir(), 'bgjobs-isolation-markers-'))
})

afterEach(async () => {
  await Promise.all(pools.splice(0).map(pool => pool.dispose()))
})

afterAll(() => {
  rmSync(markers, { recursive: true, force: true })
})

/** A fake run whose calls go through a fresh isolation pool (one worker unless configured). */
function isolatedRun(config: BackgroundJobsConfigInput = {}) {
  // Every thrown message shown: the tests compare what the model is told of a throw on both sides.
  const resolved = resolveConfig({ ...config, tools: { errorMessages: 'all', ...config.tools }, isolation: { maxWorkers: 1, minWorkers: 1, ...config.isolation } })
  const { logger, lines: logged } = recordingLogger()
  const isolation = createToolIsolation({ workerUrl: () => worker.url, toolFiles: ISOLATION_TEST_TOOL_NAMES, getConfig: () => resolved, logger })
  pools.push(isolation)
  const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config: resolved, isolation })
  return { ...fake, isolation, logged }
}

let callCount = 0
/** Runs one call of `name` and returns its outcome. */
function call(run: ReturnType<typeof isolatedRun>, name: string, args: unknown = {}) {
  return executeToolCall(run.context, { id: `call-${++callCount}`, name, args, step: 1 })
}

/** A tool-result event without its timing (the only field allowed to differ). */
function resultEvent(run: ReturnType<typeof isolatedRun>) {
  const { durationMs: _durationMs, seq: _seq, at: _at, id: _id, ...rest } = run.eventsOf('tool-result').at(-1)!
  return rest
}

/** Where the next spinning call writes its marker. */
function markerPath() {
  return join(markers, `spin-${++callCount}`)
}

async function workerThreadId(run: ReturnType<typeof isolatedRun>): Promise<number> {
  const outcome = await call(run, 'thread_id')
  expect(outcome.status).toBe('completed')
  return (outcome.result as { threadId: number }).threadId
}

describe('isolated calls behave like in-process ones', () => {
  const cases: Array<[string, unknown]> = [
    ['echo', '{"when":"2026-01-02T03:04:05.000Z"}'],
    ['echo', {}],
    ['explode', {}],
    ['not_json', {}],
    ['nothing', {}],
    ['echo', '{"text": 5}'],
    ['throw_odd', { kind: 'no-prototype' }],
    ['throw_odd', { kind: 'message-getter' }],
    ['throw_odd', { kind: 'name-getter' }],
    ['throw_odd', { kind: 'symbol' }],
  ]
  // One pool (one worker) for every case, each case's call in a run of its own: a worker started
  // per case was a third of this file's CPU. The first call of each tool imports its file there.
  let shared: ReturnType<typeof isolatedRun>
  beforeAll(() => {
    shared = isolatedRun({ tools: { isolated: ISOLATION_TEST_TOOL_NAMES.join(',') } })
    pools.splice(pools.indexOf(shared.isolation), 1)
  })
  afterAll(async () => {
    await shared.isolation.dispose()
  })

  it.each(cases)('%s %j: same outcome and same tool-result event', async (name, args) => {
    const inProcess = isolatedRun()
    const isolated = isolatedRunSharing(shared)
    const expected = await call(inProcess, name, args)
    const actual = await call(isolated, name, args)
    expect({ ...actual, id: '', durationMs: 0 }).toEqual({ ...expected, id: '', durationMs: 0 })
    expect(resultEvent(isolated)).toEqual(resultEvent(inProcess))
  })

  it('the tool really ran in a worker, with ctx re-created there', async () => {
    const isolated = isolatedRun({ tools: { isolated: 'thread_id,echo' } })
    expect(await workerThreadId(isolated)).not.toBe(mainThreadId)
    const echoed = await call(isolated, 'echo', {})
    expect(echoed.result).toEqual({ text: 'hello', userId: 'user-1', jobId: 'job-1', thread: 'thread-1', step: 1, signalAborted: false })
    // In-process stays the default.
    expect((await call(isolatedRun(), 'thread_id')).result).toEqual({ threadId: mainThreadId })
  })

  it('`$fetch` works in a worker as in server code (Nitro defines it only in the server\'s thread); a path of the app\'s own routes says why it cannot', async () => {
    const server = createServer((request, response) => response.setHeader('content-type', 'application/json').end(JSON.stringify({ path: request.url })))
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    try {
      const { port } = server.address() as AddressInfo
      const isolated = isolatedRun({ tools: { isolated: 'nitro_fetch' } })
      expect(await call(isolated, 'nitro_fetch', { url: `http://127.0.0.1:${port}/paris` })).toMatchObject({ status: 'completed', result: { path: '/paris' } })
      // A path with an absolute `baseURL` is an absolute URL.
      expect(await call(isolated, 'nitro_fetch', { url: '/lyon', baseURL: `http://127.0.0.1:${port}` })).toMatchObject({ status: 'completed', result: { path: '/lyon' } })
      const byPath = await call(isolated, 'nitro_fetch', { url: '/api/weather' })
      expect(byPath).toMatchObject({ status: 'error', error: expect.stringContaining('$fetch("/api/weather"): an isolated tool runs in a worker thread') })
    }
    finally {
      server.close()
    }
  })

  it('by default (tools.errorMessages: tool-errors) an isolated tool\'s plain error reads only `Tool "x" failed` (the kind crosses as data)', async () => {
    const isolated = isolatedRun({ tools: { isolated: 'explode', errorMessages: 'tool-errors' } })
    const outcome = await call(isolated, 'explode')
    expect(outcome).toMatchObject({ status: 'error', error: 'Tool "explode" failed' })
    expect(resultEvent(isolated)).toMatchObject({ error: 'Tool "explode" failed' })
  })

  it('a thrown error keeps its name, code and cause across the boundary, so a retryable tool is retried', async () => {
    const isolated = isolatedRun({ tools: { isolated: 'flaky' } })
    const outcome = await call(isolated, 'flaky', { key: 'isolated-retry' })
    expect(outcome).toMatchObject({ status: 'completed', result: { key: 'isolated-retry', attempt: 2 } })
  })

  it('a thrown plain object keeps its code too: a retryable tool is retried on it as in-process', async () => {
    const inProcess = isolatedRun()
    expect(await call(inProcess, 'flaky', { key: 'object-in-process', thrown: 'object' })).toMatchObject({ status: 'completed', result: { attempt: 2 } })
    const isolated = isolatedRun({ tools: { isolated: 'flaky' } })
    expect(await call(isolated, 'flaky', { key: 'object-isolated', thrown: 'object' })).toMatchObject({ status: 'completed', result: { attempt: 2 } })
  })
})

describe('where the arguments are parsed', () => {
  it('an isolated tool\'s schema runs only in its worker (a schema that spins is stopped there), in-process ones on the server', async () => {
    const isolated = isolatedRun({ tools: { isolated: 'schema_thread' } })
    expect(await call(isolated, 'schema_thread', { text: 'hi' })).toMatchObject({ status: 'completed', result: { text: 'hi' } })
    expect(await call(isolatedRun(), 'schema_thread', { text: 'hi' })).toMatchObject({ status: 'error', error: expect.stringContaining('checked on the server thread') })
  })
})

describe('hard limits', () => {
  it('a CPU loop is stopped at its time limit: timeout result, worker replaced, the next call runs', async () => {
    const run = isolatedRun({ tools: { isolated: 'spin,thread_id' }, limits: { toolTimeoutMs: 1_000 } })
    const before = await workerThreadId(run)
    const marker = markerPath()
    const outcome = await call(run, 'spin', { marker })
    // It was spinning when its time was up (a second is ample for a warm worker to start it, even on a busy machine).
    expect(existsSync(marker)).toBe(true)
    expect(outcome).toMatchObject({ status: 'timeout', error: 'Tool "spin" timed out after 1000 ms' })
    expect(await workerThreadId(run)).not.toBe(before)
    expect(run.context.timers.size).toBe(0)
    expect(run.isolation.stats().calls).toBe(0)
  })

  it('aborting the job during an isolated call terminates its worker at once', async () => {
    const run = isolatedRun({ tools: { isolated: 'spin,thread_id' }, limits: { toolTimeoutMs: 600_000 } })
    const before = await workerThreadId(run)
    const marker = markerPath()
    const spinning = call(run, 'spin', { marker })
    await expect.poll(() => existsSync(marker), { timeout: 10_000, interval: 10 }).toBe(true)
    run.abort()
    await expect(spinning).rejects.toMatchObject({ code: 'aborted' })
    await expect.poll(() => run.isolation.stats().calls).toBe(0)
    // With one worker, this call could only run if the spinning one was terminated.
    const after = isolatedRunSharing(run)
    expect(await workerThreadId(after)).not.toBe(before)
  })

  it('a tool past its heap cap fails with a clear error; the worker is replaced', async () => {
    const run = isolatedRun({ tools: { isolated: 'hog,thread_id' }, isolation: { heapMb: 32 } })
    const before = await workerThreadId(run)
    const outcome = await call(run, 'hog')
    expect(outcome).toMatchObject({ status: 'error', error: 'Tool "hog" was stopped: it used more memory than its heap limit of 32 MB (isolation.heapMb)' })
    expect(await workerThreadId(run)).not.toBe(before)
  })

  it('the heap cap does not cover Buffers and ArrayBuffers (memory outside the JavaScript heap): docs/tool-isolation.md says so', async () => {
    const run = isolatedRun({ tools: { isolated: 'hold_buffers' }, isolation: { heapMb: 32 } })
    expect(await call(run, 'hold_buffers', { mb: 96 })).toMatchObject({ status: 'completed', result: { heldMb: 96 } })
  })

  it('process.exit in a tool fails its own call at once (also from its timers), never another call; the worker goes on', async () => {
    const run = isolatedRun({ tools: { isolated: 'exit,wait,thread_id' }, limits: { toolTimeoutMs: 600_000 }, isolation: { maxWorkers: 1 } })
    const worker = await workerThreadId(run)
    expect(await call(run, 'exit')).toMatchObject({ status: 'error', error: expect.stringContaining('process.exit(3) is not allowed in an isolated tool') })
    expect(await call(run, 'exit', { when: 'timer' })).toMatchObject({ status: 'error', error: expect.stringContaining('process.exit(4) is not allowed') })
    // Asked for by a call that already answered, while another call runs in the same worker: ignored.
    expect(await call(run, 'exit', { when: 'after', delayMs: 20 })).toMatchObject({ status: 'completed', result: { answered: true } })
    expect(await call(run, 'wait', { ms: 100 })).toMatchObject({ status: 'completed', result: { waited: 100 } })
    expect(await workerThreadId(run)).toBe(worker)
  })

  it.each(['throw', 'reject'] as const)('a stray %s from a tool\'s timer while its call runs fails that call at once, as a throw would; the worker goes on', async (how) => {
    const run = isolatedRun({ tools: { isolated: 'stray,thread_id' }, limits: { toolTimeoutMs: 600_000 } })
    const worker = await workerThreadId(run)
    const outcome = await call(run, 'stray', { how, when: 'during' })
    const thrown = how === 'throw' ? 'stray throw of during' : 'stray rejection of during'
    expect(outcome).toMatchObject({ status: 'error', error: `Tool "stray" failed: ${thrown}` })
    expect(await workerThreadId(run)).toBe(worker)
  })

  it.each(['throw', 'reject'] as const)('a stray %s left behind by a call that answered never fails the next call (another job\'s) nor ends the worker: it is logged naming the tool and job', async (how) => {
    const run = isolatedRun({ tools: { isolated: 'stray,arm_stray,thread_id' }, limits: { toolTimeoutMs: 600_000 } })
    const worker = await workerThreadId(run)
    expect(await call(run, 'stray', { how, when: 'after' })).toMatchObject({ status: 'completed', result: { answered: true } })
    // The stray error is raised while this call runs in the same (only) worker.
    const innocent = await call(run, 'arm_stray')
    expect(innocent).toMatchObject({ status: 'completed', result: { armed: true } })
    expect(await workerThreadId(run)).toBe(worker)
    const thrown = how === 'throw' ? 'stray throw of after' : 'stray rejection of after'
    await expect.poll(() => run.logged.find(entry => entry.fields?.error === thrown)).toMatchObject({
      level: 'error',
      message: expect.stringContaining('isolated tool "stray" raised an error after its call had ended'),
      fields: { tool: 'stray', jobId: 'job-1', kind: how === 'throw' ? 'uncaughtException' : 'unhandledRejection' },
    })
  })

  it('over the queue limit a call is refused at once with an error result, never queued', async () => {
    const run = isolatedRun({ tools: { isolated: 'spin' }, isolation: { maxQueue: 1 }, limits: { toolTimeoutMs: 600_000 } })
    const marker = markerPath()
    const running = call(run, 'spin', { marker })
    const queued = call(run, 'spin', { marker: markerPath() })
    const refused = await call(run, 'spin', { marker: markerPath() })
    expect(refused).toMatchObject({ status: 'error', error: 'Tool "spin" was not run: every isolation worker is busy and 1 calls are already waiting (isolation.maxQueue); try again later' })
    expect(run.isolation.stats().calls).toBe(2)
    run.abort()
    await Promise.allSettled([running, queued])
    await expect.poll(() => run.isolation.stats().calls).toBe(0)
  })
})

describe('a tool file that throws at import in a worker', () => {
  it('fails that call with the error; the worker is replaced, so the next call imports the file again instead of failing with the same cached error', async () => {
    const marker = markerPath()
    process.env.BACKGROUND_JOBS_TEST_IMPORT_MARKER = marker
    try {
      // One worker: the second call can only succeed in a fresh one.
      const run = isolatedRun({ tools: { isolated: 'import_once_fails' } })
      expect(await call(run, 'import_once_fails')).toMatchObject({ status: 'error', error: 'Tool "import_once_fails" failed: the service this file connects to at import is not up yet' })
      expect(existsSync(marker)).toBe(true)
      expect(await call(run, 'import_once_fails')).toMatchObject({ status: 'completed', result: { loaded: true } })
      expect(run.logged).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringContaining('isolated tool "import_once_fails" could not be loaded; its worker was replaced') }))
    }
    finally {
      delete process.env.BACKGROUND_JOBS_TEST_IMPORT_MARKER
    }
  })
})

describe('what a tool changes in its process (docs/tool-isolation.md: a worker is not a sandbox)', () => {
  it('isolated: process.chdir fails the call; an env variable or a global it sets stays in its worker, where later calls see it, and never reaches the server', async () => {
    const run = isolatedRun({ tools: { isolated: 'process_state' } })
    const cwd = process.cwd()
    expect(await call(run, 'process_state', { action: 'chdir' })).toMatchObject({ status: 'error', error: expect.stringContaining('process.chdir() is not supported in workers') })
    const set = await call(run, 'process_state', { action: 'set', value: 'set-by-an-earlier-call' })
    const later = await call(isolatedRunSharing(run), 'process_state', { action: 'read' })
    expect(later.result).toEqual({ env: 'set-by-an-earlier-call', global: 'set-by-an-earlier-call', threadId: (set.result as { threadId: number }).threadId })
    expect(process.env.BACKGROUND_JOBS_TEST_TOOL_ENV).toBeUndefined()
    expect(process.cwd()).toBe(cwd)
  })
})

describe('when a tool cannot be isolated', () => {
  it('an engine without isolation: error result, the tool does not run in-process', async () => {
    const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config: { tools: { isolated: 'thread_id' } } })
    const outcome = await executeToolCall(fake.context, { id: 'c1', name: 'thread_id', args: {}, step: 1 })
    expect(outcome).toMatchObject({ status: 'error', error: expect.stringContaining('Tool "thread_id" must run in an isolation worker, but this engine was created without tool isolation') })
  })

  it('a tool registered in code (no file for the worker): error result', async () => {
    const config = resolveConfig({ tools: { isolated: 'thread_id' } })
    const isolation = createToolIsolation({ workerUrl: () => worker.url, toolFiles: [], getConfig: () => config })
    pools.push(isolation)
    const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config, isolation })
    const outcome = await executeToolCall(fake.context, { id: 'c1', name: 'thread_id', args: {}, step: 1 })
    expect(outcome.error).toMatch(/was registered in code, not loaded from a server\/tools file/)
  })

  it('a build without a worker entry: error result naming why', async () => {
    const config = resolveConfig({ tools: { isolated: 'thread_id' } })
    const isolation = createToolIsolation({ workerUrl: () => null, toolFiles: ISOLATION_TEST_TOOL_NAMES, getConfig: () => config })
    const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config, isolation })
    const outcome = await executeToolCall(fake.context, { id: 'c1', name: 'thread_id', args: {}, step: 1 })
    expect(outcome.error).toMatch(/this build has no worker entry/)
  })
})

/** A second run on the same pool as `run` (the first one was aborted). */
function isolatedRunSharing(run: ReturnType<typeof isolatedRun>) {
  const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config: run.context.config, isolation: run.isolation })
  return { ...fake, isolation: run.isolation, logged: run.logged }
}
