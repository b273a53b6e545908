/**
 * Tools for the isolation tests, run both in-process and in an isolation worker (the worker entry
 * built by `buildIsolationWorker` lists them in this order). Each one exercises one thing that
 * must look the same on both sides, or one way a tool misbehaves.
 */
import { randomUUID } from 'node:crypto'
import { existsSync, writeFileSync } from 'node:fs'
import { isMainThread, parentPort, threadId } from 'node:worker_threads'
import { z } from 'zod'
import { defineTool } from '../../server/utils/define-tool'
import { HELD_TOOLS } from './isolation-tools-held'

/** Keys `flaky` has failed for once (per thread: each worker has its own). */
const failedOnce = new Set<string>()

/** A refine that never returns: it writes its `marker` file (the schema is running), then spins. */
function spinAfterMarker({ marker }: { marker: string }): boolean {
  writeFileSync(marker, 'checking')
  // The global write keeps a bundler from dropping the loop as code without effect.
  const state = globalThis as { isolationTestSchemaSpins?: number }
  for (;;) state.isolationTestSchemaSpins = (state.isolationTestSchemaSpins ?? 0) + 1
}

/** Every test tool, in the worker entry's order. */
export const ISOLATION_TEST_TOOLS = [
  defineTool({
    name: 'echo',
    description: 'Echoes its arguments and context (a default, a coerced Date, the ids).',
    parameters: z.object({ text: z.string().default('hello'), when: z.coerce.date().optional() }),
    execute: ({ text, when }, { userId, jobId, threadId: thread, step, signal }) => ({ text, when, userId, jobId, thread, step, signalAborted: signal.aborted }),
  }),
  defineTool({
    name: 'explode',
    description: 'Throws an error with a code and a cause.',
    parameters: z.object({}),
    execute: () => { throw Object.assign(new Error('the tool exploded', { cause: new Error('deeper reason') }), { code: 'EBOOM' }) },
  }),
  defineTool({
    name: 'flaky',
    description: 'Fails with a network error the first time for a key (an Error, or a plain object with a network code, as some clients throw), then answers (retryable).',
    parameters: z.object({ key: z.string(), thrown: z.enum(['error', 'object']).default('error') }),
    retryable: true,
    execute: ({ key, thrown }) => {
      if (failedOnce.has(key)) return { key, attempt: 2 }
      failedOnce.add(key)
      if (thrown === 'object') throw { code: 'ECONNRESET', message: 'socket hang up' }
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) })
    },
  }),
  defineTool({
    name: 'not_json',
    description: 'Returns a BigInt (no JSON form).',
    parameters: z.object({}),
    execute: () => ({ big: 1n }),
  }),
  defineTool({
    name: 'nothing',
    description: 'Returns undefined.',
    parameters: z.object({}),
    execute: () => undefined,
  }),
  defineTool({
    name: 'thread_id',
    description: 'Tells which thread ran it.',
    parameters: z.object({}),
    execute: () => ({ threadId }),
  }),
  defineTool({
    name: 'schema_thread',
    description: 'Its schema refuses to be checked on the server\'s thread (stands for a regex that spins there).',
    parameters: z.object({ text: z.string() }).refine(() => !isMainThread, 'checked on the server thread'),
    execute: ({ text }) => ({ text }),
  }),
  defineTool({
    name: 'spin',
    description: 'Writes a marker file, then spins the CPU forever, ignoring its signal.',
    parameters: z.object({ marker: z.string() }),
    execute: ({ marker }) => {
      writeFileSync(marker, 'spinning')
      // The global write keeps a bundler from dropping the loop as code without effect.
      const state = globalThis as { isolationTestSpins?: number }
      for (;;) state.isolationTestSpins = (state.isolationTestSpins ?? 0) + 1
    },
  }),
  defineTool({
    name: 'hog',
    description: 'Allocates without bound.',
    parameters: z.object({}),
    execute: () => {
      const kept: number[][] = []
      for (;;) kept.push(Array.from({ length: 100_000 }, (_, index) => index))
    },
  }),
  defineTool({
    name: 'exit',
    description: 'Calls process.exit (or Node\'s internal process.reallyExit): now, from a timer while it runs, or from a timer after it answered.',
    parameters: z.object({ when: z.enum(['now', 'timer', 'after']).default('now'), delayMs: z.number().default(0), via: z.enum(['exit', 'reallyExit']).default('exit') }),
    execute: ({ when, delayMs, via }) => {
      const exit = via === 'exit' ? process.exit : (process as unknown as { reallyExit: (code: number) => void }).reallyExit
      if (when === 'now') exit(3)
      if (when === 'timer') return new Promise(() => setTimeout(() => exit(4), delayMs))
      setTimeout(() => exit(5), delayMs)
      return { answered: true }
    },
  }),
  defineTool({
    name: 'wait',
    description: 'Answers after a while.',
    parameters: z.object({ ms: z.number() }),
    execute: ({ ms }) => new Promise(resolve => setTimeout(() => resolve({ waited: ms, threadId }), ms)),
  }),
  defineTool({
    name: 'stray',
    description: 'Leaves a timer that throws (or rejects a promise nobody handles): while its call runs, or after it answered, once `arm_stray` runs.',
    parameters: z.object({ how: z.enum(['throw', 'reject']), when: z.enum(['during', 'after']) }),
    execute: ({ how, when }) => {
      const shared = globalThis as { strayArmed?: boolean, strayFired?: boolean }
      shared.strayArmed = when === 'during'
      shared.strayFired = false
      const poll = setInterval(() => {
        if (!shared.strayArmed) return
        clearInterval(poll)
        shared.strayFired = true
        if (how === 'throw') throw new Error(`stray throw of ${when}`)
        void Promise.reject(new Error(`stray rejection of ${when}`))
      }, 1)
      return when === 'during' ? new Promise(() => {}) : { answered: true }
    },
  }),
  defineTool({
    name: 'arm_stray',
    description: 'Lets the timer `stray` left behind fire, and answers once it has.',
    parameters: z.object({}),
    execute: () => new Promise((resolve) => {
      const shared = globalThis as { strayArmed?: boolean, strayFired?: boolean }
      shared.strayArmed = true
      const poll = setInterval(() => {
        if (!shared.strayFired) return
        clearInterval(poll)
        // One more turn of the event loop, so the stray error has been dealt with.
        setImmediate(() => resolve({ armed: true }))
      }, 1)
    }),
  }),
  defineTool({
    name: 'leave_work',
    description: 'Answers at once, leaving work behind: a spin from a timer (after `delayMs`), an endless promise chain, or a short harmless timer.',
    parameters: z.object({ how: z.enum(['spin', 'chain', 'harmless']), delayMs: z.number().default(0) }),
    execute: ({ how, delayMs }) => {
      const state = globalThis as { isolationTestLeftovers?: number }
      const spin = () => {
        for (;;) state.isolationTestLeftovers = (state.isolationTestLeftovers ?? 0) + 1
      }
      if (how === 'spin') setTimeout(spin, delayMs)
      if (how === 'chain') {
        void (async () => {
          for (;;) await (state.isolationTestLeftovers = (state.isolationTestLeftovers ?? 0) + 1)
        })()
      }
      if (how === 'harmless') setTimeout(() => (state.isolationTestLeftovers = 0), delayMs)
      return { answered: true, threadId }
    },
  }),
  defineTool({
    name: 'nitro_fetch',
    description: 'Fetches a URL with `$fetch`, as Nitro server code does (README\'s example tool).',
    parameters: z.object({ url: z.string(), baseURL: z.string().optional() }),
    execute: async ({ url, baseURL }, { signal }) => await $fetch(url, { signal, baseURL }),
  }),
  defineTool({
    name: 'process_state',
    description: 'Changes the process it runs in: its working directory, an environment variable, a global; or reads them.',
    parameters: z.object({ action: z.enum(['chdir', 'set', 'read']), value: z.string().default('') }),
    execute: ({ action, value }) => {
      const state = globalThis as { isolationTestGlobal?: string }
      if (action === 'chdir') process.chdir('/')
      if (action === 'set') {
        process.env.BACKGROUND_JOBS_TEST_TOOL_ENV = value
        state.isolationTestGlobal = value
      }
      return { env: process.env.BACKGROUND_JOBS_TEST_TOOL_ENV ?? null, global: state.isolationTestGlobal ?? null, threadId }
    },
  }),
  defineTool({
    name: 'import_once_fails',
    description: 'Its file throws at import the first time any worker loads it (isolation-worker-entry.ts), as a file whose top level awaits a service that is not up yet.',
    parameters: z.object({}),
    execute: () => ({ loaded: true, threadId }),
  }),
  defineTool({
    name: 'hold_buffers',
    description: 'Allocates Buffers (memory outside the JavaScript heap) and keeps them.',
    parameters: z.object({ mb: z.number() }),
    execute: ({ mb }) => {
      const state = globalThis as { isolationTestBuffers?: Buffer[] }
      state.isolationTestBuffers ??= []
      for (let held = 0; held < mb; held += 16) state.isolationTestBuffers.push(Buffer.alloc(16 * 1024 * 1024, 1))
      return { heldMb: state.isolationTestBuffers.length * 16 }
    },
  }),
  defineTool({
    name: 'throw_odd',
    description: 'Throws something that is not a plain Error.',
    parameters: z.object({ kind: z.enum(['no-prototype', 'message-getter', 'name-getter', 'symbol']) }),
    execute: ({ kind }) => {
      if (kind === 'no-prototype') throw Object.create(null)
      if (kind === 'symbol') throw Symbol('odd')
      const getter = { get() { throw new Error('getter') } }
      throw Object.defineProperty(new Error('plain'), kind === 'message-getter' ? 'message' : 'name', getter)
    },
  }),
  defineTool({
    name: 'honour_signal',
    description: 'Waits for its signal and rejects with its reason, as a fetch given the signal does.',
    parameters: z.object({}),
    execute: (_args, { signal }) => new Promise((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(signal.reason), { once: true })
    }),
  }),
  defineTool({
    name: 'guarded_move',
    description: 'Needs approval; its schema has a default and refuses to be checked on the server\'s thread.',
    parameters: z.object({ path: z.string(), overwrite: z.boolean().default(false) }).refine(() => !isMainThread, 'checked on the server thread'),
    isolation: 'worker',
    needsApproval: true,
    execute: ({ path, overwrite }) => ({ moved: path, overwrite }),
  }),
  defineTool({
    name: 'spin_schema',
    description: 'Its schema writes a marker file, then spins forever (a refine that never returns on these arguments); `execute` writes `ran`.',
    parameters: z.object({ marker: z.string(), ran: z.string() }).refine(spinAfterMarker),
    isolation: 'worker',
    execute: ({ ran }) => {
      writeFileSync(ran, 'ran')
      return { ran: true }
    },
  }),
  defineTool({
    name: 'spin_schema_approval',
    description: 'Needs approval; its schema writes a marker file, then spins forever.',
    parameters: z.object({ marker: z.string() }).refine(spinAfterMarker),
    isolation: 'worker',
    needsApproval: true,
    execute: () => ({ ran: true }),
  }),
  defineTool({
    name: 'random_id_approval',
    description: 'Needs approval; its schema gives a new random id each time it runs.',
    parameters: z.object({ id: z.string().default(() => randomUUID()) }),
    isolation: 'worker',
    needsApproval: true,
    execute: ({ id }) => ({ id }),
  }),
  defineTool({
    name: 'random_id_approval_fn',
    description: 'As random_id_approval, with a needsApproval function (the server parses the arguments for it).',
    parameters: z.object({ id: z.string().default(() => randomUUID()) }),
    isolation: 'worker',
    needsApproval: () => true,
    execute: ({ id }) => ({ id }),
  }),
  defineTool({
    name: 'random_id_dated_approval',
    description: 'As random_id_approval, with a date the schema makes a Date.',
    parameters: z.object({ id: z.string().default(() => randomUUID()), due: z.coerce.date() }),
    isolation: 'worker',
    needsApproval: true,
    execute: ({ id, due }) => ({ id, due: due instanceof Date ? due.toISOString() : null }),
  }),
  defineTool({
    name: 'random_id_dated_approval_fn',
    description: 'As random_id_dated_approval, with a needsApproval function (the server parses the arguments for it).',
    parameters: z.object({ id: z.string().default(() => randomUUID()), due: z.coerce.date() }),
    isolation: 'worker',
    needsApproval: () => true,
    execute: ({ id, due }) => ({ id, due: due instanceof Date ? due.toISOString() : null }),
  }),
  defineTool({
    name: 'import_hangs',
    description: 'Its file never finishes loading in a worker (isolation-worker-entry.ts), as a file whose top level awaits a service that never answers.',
    parameters: z.object({}),
    isolation: 'worker',
    execute: () => ({ ran: true }),
  }),
  defineTool({
    name: 'stray_long',
    description: 'Answers, then rejects a promise nobody handles with an error whose message is `chars` characters long (a response body in it).',
    parameters: z.object({ chars: z.number().int() }),
    execute: ({ chars }) => {
      setImmediate(() => void Promise.reject(new Error('a.'.repeat(chars / 2))))
      return { answered: true }
    },
  }),
  defineTool({
    name: 'stray_text',
    description: 'Answers, then rejects a promise nobody handles with an error whose message is `text`.',
    parameters: z.object({ text: z.string() }),
    execute: ({ text }) => {
      setImmediate(() => void Promise.reject(new Error(text)))
      return { answered: true }
    },
  }),
  defineTool({
    name: 'stray_burst',
    description: 'Answers, then rejects `count` promises nobody handles, all in one turn (a tool whose leftover timers keep throwing).',
    parameters: z.object({ count: z.number().int() }),
    execute: ({ count }) => {
      setImmediate(() => {
        for (let index = 0; index < count; index++) void Promise.reject(new Error(`stray ${index}`))
      })
      return { answered: true }
    },
  }),
  defineTool({
    name: 'post_after',
    description: 'Answers, then posts a message to its thread\'s parent (as code that thinks it runs in a worker of its own), which ends its worker.',
    parameters: z.object({}),
    execute: () => {
      // Right after the answer was posted (its worker's death may be read before it: the pool waits for it).
      setImmediate(() => parentPort?.postMessage({ progress: 100 }))
      return { answered: true }
    },
  }),
  defineTool({
    name: 'schema_throws',
    description: 'Its schema\'s refine throws (a lookup whose database is down); `execute` never runs.',
    parameters: z.object({ id: z.string().refine(() => {
      throw Object.assign(new Error('connect ECONNREFUSED 10.0.3.7:5432 (orders db)'), { code: 'ECONNREFUSED' })
    }) }),
    execute: () => ({ ran: true }),
  }),
  defineTool({
    name: 'leak_later',
    description: 'Answers at once, leaving an interval (a cache refresh, say) that allocates without bound once its `marker` file exists.',
    parameters: z.object({ marker: z.string() }),
    execute: ({ marker }) => {
      const kept: number[][] = []
      setInterval(() => {
        if (existsSync(marker)) for (;;) kept.push(Array.from({ length: 100_000 }, (_, index) => index))
      }, 1)
      return { answered: true }
    },
  }),
  defineTool({
    name: 'held_start',
    description: 'Never starts: the worker entry (isolation-worker-entry.ts) writes its `marker` file and spins before the task reaches the layer\'s handler (a task handed to a worker, not started yet).',
    parameters: z.object({ marker: z.string() }),
    execute: () => ({ started: true }),
  }),
  defineTool({
    name: 'spin_later',
    description: 'Answers at once, leaving an interval (a cache refresh, say) that spins forever once its `marker` file exists — or, `allocate`, takes far more memory than any heap cap at once.',
    parameters: z.object({ marker: z.string(), allocate: z.boolean().default(false) }),
    execute: ({ marker, allocate }) => {
      const state = globalThis as { isolationTestSpinLater?: number, isolationTestKept?: number[][] }
      setInterval(() => {
        if (!existsSync(marker)) return
        const kept: number[][] = state.isolationTestKept = []
        if (allocate) for (;;) kept.push(new Array<number>(100_000).fill(kept.length))
        for (;;) state.isolationTestSpinLater = (state.isolationTestSpinLater ?? 0) + 1
      }, 10)
      return { answered: true }
    },
  }),
  defineTool({
    name: 'big_result',
    description: 'Returns about `bytes` UTF-8 bytes of JSON: rows with two-byte characters.',
    parameters: z.object({ bytes: z.number() }),
    execute: ({ bytes }) => ({ rows: Array.from({ length: Math.ceil(bytes / 40) }, (_, index) => ({ index, text: 'é'.repeat(12) })) }),
  }),
  defineTool({
    name: 'arm_and_answer',
    description: 'Writes its `marker` file and answers, leaving a one-shot timer of 1 s (its worker waits for it before the next call).',
    parameters: z.object({ marker: z.string() }),
    execute: ({ marker }) => {
      writeFileSync(marker, 'armed')
      setTimeout(() => {}, 1_000)
      return { answered: true }
    },
  }),
  ...HELD_TOOLS,
  defineTool({
    name: 'progress_report',
    description: 'Reports progress `count` times in a tight loop, then once more after a pause; a timer reports again after it answered (ignored). `bad`: reports a message that is not text.',
    parameters: z.object({ count: z.number().default(10_000), bad: z.boolean().default(false) }),
    execute: async ({ count, bad }, { progress }) => {
      if (bad) progress({ message: 42 } as unknown as string)
      for (let update = 1; update <= count; update++) progress({ message: `update ${update} of ${count}`, fraction: update / count })
      await new Promise(resolve => setTimeout(resolve, 120))
      progress('almost done')
      await new Promise(resolve => setTimeout(resolve, 120))
      setTimeout(() => progress('after the answer'), 10)
      return { reported: count + 1 }
    },
  }),
]

/** The tools' names, by index (what the engine passes as `toolFiles`). */
export const ISOLATION_TEST_TOOL_NAMES = ISOLATION_TEST_TOOLS.map(tool => tool.name)
