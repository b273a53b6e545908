/**
 * The queue limit (`isolation.queueTimeoutMs`) can pass in the same moment a worker takes the call,
 * before the server has heard the worker's start report. The worker's start decides: a call a worker
 * started is never reported "not run" (a model would then call a tool with side effects again), and
 * a call the server gave up on first is never started by a worker. Real worker threads; the wait
 * limit fires by hand at the chosen moment.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { executeToolCall } from '../../server/lib/executor/execute-tool'
import type { ToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createToolIsolation } from '../../server/lib/isolation/tool-pool'
import { createToolWorker } from '../../server/lib/isolation/worker-runtime'
import type { TimerSet } from '../../server/lib/timers'
import { createFakeRunContext } from '../support/fake-run-context'
import { ISOLATION_TEST_TOOL_NAMES, ISOLATION_TEST_TOOLS } from '../support/isolation-tools'
import type { BuiltIsolationWorker } from '../support/isolation-worker'
import { buildIsolationWorker } from '../support/isolation-worker'
import { createStepModel } from '../support/step-model'

const QUEUE_TIMEOUT_MS = 30_000
let worker: BuiltIsolationWorker
let dir: string
const pools: ToolIsolation[] = []

beforeAll(async () => {
  worker = await buildIsolationWorker()
  dir = mkdtempSync(join(tmpdir(), 'bgjobs-start-race-'))
})
afterEach(async () => {
  await Promise.all(pools.splice(0).map(pool => pool.dispose()))
})
afterAll(() => {
  rmSync(dir, { recursive: true, force: true })
})

/** The pool's start reports the test holds back, to be read at its chosen moment. */
const channel = vi.hoisted(() => ({ hold: false, held: [] as Array<() => void> }))
vi.mock('node:worker_threads', async original =>
  (await import('../support/held-broadcast-channel')).withHeldMessages(await original(), channel, data => !!data?.started))

it('a call a worker started as the queue limit passed is not reported "not run": it runs on under its time limit', async () => {
  const config = resolveConfig({ tools: { isolated: 'spin' }, isolation: { maxWorkers: 1, minWorkers: 1, queueTimeoutMs: QUEUE_TIMEOUT_MS }, limits: { toolTimeoutMs: 60_000 } })
  const pool = createToolIsolation({ workerUrl: () => worker.url, toolFiles: ISOLATION_TEST_TOOL_NAMES, getConfig: () => config })
  pools.push(pool)
  // A warm worker, free: the next call goes to it at once.
  await pool.run({ name: 'echo', args: {}, context: { userId: 'u', jobId: 'j', threadId: null, step: 1 }, timeoutMs: 10_000 }, new AbortController().signal)

  const marker = join(dir, 'spin-started')
  let fireWaitLimit = () => {}
  let fireTimeLimit = () => {}
  const fake = createFakeRunContext({ model: createStepModel([]), tools: ISOLATION_TEST_TOOLS, config, isolation: pool })
  const timers = fake.context.timers
  const byHand: TimerSet = {
    ...timers,
    get size() {
      return timers.size
    },
    timeout(callback, delayMs, options) {
      const cancel = timers.timeout(callback, delayMs, options)
      let fired = false
      const fire = () => {
        if (fired) return
        fired = true
        cancel()
        callback()
      }
      if (delayMs === QUEUE_TIMEOUT_MS) fireWaitLimit = fire
      if (delayMs === 60_000) fireTimeLimit = fire
      return () => {
        fired = true
        cancel()
      }
    },
  }
  Object.assign(fake.context, { timers: byHand })

  channel.hold = true
  const outcome = executeToolCall(fake.context, { id: 's1', name: 'spin', args: { marker }, step: 1 })
  let settled = false
  void outcome.finally(() => (settled = true))
  // The worker took the call and runs it; the queue limit passes before the pool reads its report.
  await expect.poll(() => existsSync(marker), { timeout: 10_000, interval: 5 }).toBe(true)
  fireWaitLimit()
  channel.hold = false
  for (const read of channel.held.splice(0)) read()
  await new Promise(resolve => setImmediate(resolve))
  // Still running, under its time limit: it ends there, stopped — not "not run".
  expect(settled ? await outcome : 'still running').toBe('still running')
  fireTimeLimit()
  const ended = await outcome
  expect(ended.error).not.toMatch(/not run/)
  expect(ended).toMatchObject({ status: 'timeout', error: 'Tool "spin" timed out after 60000 ms' })
  expect(timers.size).toBe(0)
})

it('a worker never starts a call the server gave up on first', async () => {
  const echo = ISOLATION_TEST_TOOLS.find(tool => tool.name === 'echo')!
  let ran = false
  const runTask = createToolWorker([async () => ({ default: { ...echo, execute: () => (ran = true) } })])
  const gate = new Int32Array(new SharedArrayBuffer(4))
  // The server's side of the gate: its wait was over before any worker took the call.
  expect(Atomics.compareExchange(gate, 0, 0, 2)).toBe(0)
  const answer = await runTask({ file: 0, name: 'echo', args: {}, context: { userId: 'u', jobId: 'j', threadId: null, step: 1 }, timeoutMs: 1_000, startGate: gate })
  expect(ran).toBe(false)
  expect(answer).toMatchObject({ ok: false, kind: 'tool-error', notRun: true })
})
