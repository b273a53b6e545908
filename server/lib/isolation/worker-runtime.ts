/**
 * Runs inside an isolation worker (the worker entry `#background-jobs/tool-worker` calls
 * `createToolWorker` with a lazy import per tool file). For each call it loads the tool's file
 * once, parses the arguments with the tool's schema, re-creates `ctx` — a signal that fires at
 * the tool's time limit, and the ids — runs `execute` and answers with JSON. Every fault becomes
 * an answer, also an error the tool's code throws from a callback (stray-errors.ts); only the
 * death of the worker itself (heap limit, termination) rejects. The answer goes to the server at
 * once; the worker is handed back for another call once the call's leftovers are done (leftovers.ts).
 */
import { isMainThread } from 'node:worker_threads'
import type { ToolDefinition } from '../tools/types'
import { approvalArguments } from '../executor/approval-arguments'
import { approvedArguments } from '../executor/approved-arguments'
import { parseToolArguments } from '../executor/parse-tool-args'
import { ToolCallError } from '../executor/tool-errors'
import { cutResultJson, toolResultJson } from '../executor/tool-result-json'
import { createTimerSet } from '../timers'
import type { CallScope, OpenScope } from './call-scope'
import { currentCallScope, openScope, runInCallScope } from './call-scope'
import { backgroundTools, collectLeftovers, settleLeftovers, watchLeftovers } from './leftovers'
import type { IsolatedArgumentsCheck, IsolatedCallNews, IsolatedTaskEnd, IsolatedToolAnswer, IsolatedToolTask } from './protocol'
import { ANSWER_POSTED_SLOT, serializeError, START_GATE } from './protocol'
import { flushStrayReports, noteFaultChannel, postToServer, trapStrayErrors } from './stray-errors'
import { provideWorkerFetch } from './worker-fetch'
import { createWorkerProgress } from './worker-progress'

/** A tool file's lazy import. */
export type ToolFileLoader = () => Promise<{ default?: unknown }>

/** The name of the tool in each file, by index (loads every file). */
export async function listToolNames(loaders: readonly ToolFileLoader[]): Promise<Array<string | undefined>> {
  return await Promise.all(loaders.map(async loader => ((await loader()).default as ToolDefinition | undefined)?.name))
}

/**
 * `process.exit()` (or Node's internal `process.reallyExit()`, which it calls) in a worker thread
 * ends the thread quietly, and the pool settles a call only
 * when its worker fails: the call would wait for its whole time limit, and a call that happened to
 * run next in that worker would be blamed. `process.abort()` would end the whole server. In an
 * isolation worker neither ends anything: the call whose code asked for it (found by its async
 * context, so also from one of its timers) fails at once with an error result; asked for from a
 * call that already ended, it is ignored. The worker goes on serving calls.
 */
function guardProcessExit(): void {
  if (isMainThread) return
  const exit = process.exit.bind(process)
  const refuse = (what: string) => {
    currentCallScope()?.fail(new Error(`${what} is not allowed in an isolated tool; throw an error instead`))
  }
  process.exit = ((code?: number | string | null) => {
    // Node itself ends a worker this way after an uncaught exception (it marks the process as
    // exiting first): that must go through, it is how the pool learns the worker failed.
    if ((process as { _exiting?: boolean })._exiting) return exit(code)
    refuse(`process.exit(${code ?? ''})`)
  }) as typeof process.exit
  process.abort = (() => refuse('process.abort()')) as typeof process.abort
  // Node's internal exit, which `process.exit` calls: called directly, it too ends the thread
  // quietly. Node's own way out (marked as exiting first, as above) still goes through.
  const internal = process as unknown as { reallyExit: (code?: number) => void }
  const reallyExit = internal.reallyExit.bind(process)
  internal.reallyExit = (code?: number) => {
    if ((process as { _exiting?: boolean })._exiting) return reallyExit(code)
    refuse(`process.reallyExit(${code ?? ''})`)
  }
}

/**
 * A result's answer: its JSON, or, over `maxBytes`, only as much of it as the server can use and its
 * whole size — the server's thread then neither receives nor parses the rest.
 */
function resultAnswer(json: string, maxBytes: number | undefined): IsolatedToolAnswer {
  return { ok: true, ...cutResultJson(json, maxBytes) }
}

/** The task handler of the worker (its entry's default export). */
export function createToolWorker(loaders: readonly ToolFileLoader[]): (task: IsolatedToolTask) => Promise<IsolatedTaskEnd> {
  guardProcessExit()
  trapStrayErrors()
  // Before any tool file loads: one may use `$fetch` at its top level.
  provideWorkerFetch()
  const loaded = new Map<number, Promise<ToolDefinition>>()
  // Timers of the calls running in this worker (one time limit each).
  const timers = createTimerSet()

  async function loadTool(task: IsolatedToolTask): Promise<ToolDefinition> {
    const loader = loaders[task.file]
    if (!loader) throw new ToolCallError(task.name, `Tool "${task.name}" is not in the isolation worker's entry; rebuild the app`)
    let definition = loaded.get(task.file)
    if (!definition) {
      definition = loader().then(module => module.default as ToolDefinition)
      loaded.set(task.file, definition)
    }
    const tool = await definition
    if (tool?.name !== task.name) throw new ToolCallError(task.name, `The isolation worker's tool file ${task.file} defines "${tool?.name}", not "${task.name}"; rebuild the app`)
    return tool
  }

  /** Runs one call to its answer (see the file comment); its scope has ended when this resolves. */
  async function runCall(task: IsolatedToolTask, { scope, failed, end }: OpenScope<CallScope>, loading: { failed: boolean }): Promise<IsolatedToolAnswer> {
    const controller = new AbortController()
    // At its time limit the call has ended (timeout). Its signal is aborted as code of the call: a
    // throw from an abort listener the tool added is then reported naming it, as after its end.
    const cancelTimer = timers.timeout(() => {
      end()
      runInCallScope(scope, () => controller.abort(new Error(`timed out after ${task.timeoutMs} ms`)))
    }, task.timeoutMs)
    // Whether `execute` was called: a refusal before it (bad arguments, no such tool) is not timed.
    let ran = false
    // Its `ctx.progress`, to the server on the answer channel; closed before the answer is posted.
    const progress = createWorkerProgress((update) => {
      if (task.answerChannel !== undefined && task.callId !== undefined) postToServer(task.answerChannel, { callId: task.callId, progress: update } satisfies IsolatedCallNews)
    })
    try {
      const tool = await runInCallScope(scope, () => Promise.race([loadTool(task), failed]))
      // The schema may spin on these arguments: a time limit that passes now is the check's, not the tool's.
      if (task.startGate) Atomics.store(task.startGate, 0, START_GATE.checking)
      // Approved: exactly what the human was shown the schema made of them (approved-arguments.ts).
      const args = task.approvedArgs ? task.approvedArgs.value : parseToolArguments(tool.name, tool.parameters, task.args)
      if (task.check) {
        // The exact value goes beside the JSON: a structured clone keeps a Date or a Map JSON would not.
        const exact = approvedArguments(args)
        const checked: IsolatedArgumentsCheck = { shown: approvalArguments(args, task.args) }
        return { ok: true, json: JSON.stringify(checked), ...(exact ? { exact } : {}) }
      }
      if (task.startGate) Atomics.store(task.startGate, 0, START_GATE.running)
      let value: unknown
      // Timers its `execute` leaves pending hold the worker (its file's top-level ones do not).
      collectLeftovers(scope)
      ran = true
      try {
        value = await runInCallScope(scope, () => Promise.race([Promise.resolve().then(() => tool.execute(args, { ...task.context, signal: controller.signal, progress: progress.report })), failed]))
      }
      catch (error) {
        // Its time limit passed here first (the server starts its own timer when it hears the call
        // started, a moment later): the call timed out, as in-process, whatever the tool then threw.
        if (controller.signal.aborted) return { ok: false, kind: 'timeout' }
        return { ok: false, kind: 'threw', error: serializeError(error) }
      }
      if (controller.signal.aborted) return { ok: false, kind: 'timeout' }
      return resultAnswer(toolResultJson(tool.name, value), task.maxResultJsonBytes)
    }
    catch (error) {
      if (error instanceof ToolCallError) return { ok: false, kind: 'tool-error', error: serializeError(error), ...(ran ? {} : { notRun: true as const }) }
      // Loading the tool's file failed (it threw at import): the call fails like a throw.
      loading.failed = true
      return { ok: false, kind: 'threw', error: serializeError(error) }
    }
    finally {
      progress.close()
      cancelTimer()
    }
  }

  return async function runIsolatedTool(task) {
    // The server gave up waiting for a worker first: it told the model the call was not run.
    if (task.startGate && Atomics.compareExchange(task.startGate, 0, START_GATE.waiting, START_GATE.started) !== START_GATE.waiting) {
      const error = new ToolCallError(task.name, `Tool "${task.name}" was not run: the server stopped waiting for a worker to start it`)
      return { ok: false, kind: 'tool-error', error: serializeError(error), notRun: true }
    }
    // Out of the queue: the server starts the tool's time limit now (the wait was not the tool's).
    if (task.answerChannel !== undefined && task.callId !== undefined) {
      const leftoversOf = backgroundTools()
      postToServer(task.answerChannel, { callId: task.callId, started: true, ...(leftoversOf.length ? { leftoversOf } : {}) })
    }
    // A timer an earlier call left running that runs now is marked in this call's gate: should it
    // block the thread past this call's time limit, the server names its tool.
    watchLeftovers(task.startGate)
    // Settles the call early when its code asks the process to exit (guardProcessExit) or throws
    // from a callback (trapStrayErrors).
    const open = openScope<CallScope>({ tool: task.name, jobId: task.context.jobId, faultChannel: task.faultChannel })
    const { scope, end } = open
    noteFaultChannel(scope)
    let answer: IsolatedToolAnswer
    const loading = { failed: false }
    try {
      answer = await runCall(task, open, loading)
    }
    finally {
      end()
    }
    if (task.answerChannel === undefined || task.callId === undefined) return answer
    // The server gets the answer at once; this task — the worker's turn in the pool — ends only
    // when the call's leftovers are done (leftovers.ts), else the server replaces the worker.
    const news = (message: IsolatedCallNews) => postToServer(task.answerChannel!, message)
    // Marked before it is posted: should this worker die right after, the pool may read the death
    // first (another channel), and then waits for the answer instead of failing the call.
    const mark = task.startGate && task.startGate.length > ANSWER_POSTED_SLOT ? task.startGate : undefined
    if (mark) Atomics.store(mark, ANSWER_POSTED_SLOT, 1)
    try {
      news({ callId: task.callId, answer })
    }
    catch (error) {
      // It did not go (it could not be cloned): nothing is on its way.
      if (mark) Atomics.store(mark, ANSWER_POSTED_SLOT, 0)
      throw error
    }
    // A module that threw while it was evaluated stays failed in this thread (the loader caches
    // it, as import() does): a fresh worker loads the file afresh — a service it needed at import
    // may be up by the next call. Anything else, the answer crossed once; the task's end says
    // only that (the pool waits for the answer).
    // Marked until the call's leftovers are done: should one of an earlier call kill the worker meanwhile, the server names it.
    const retire = loading.failed ? 'load-failed' : await settleLeftovers(scope, task.file) ? null : 'leftovers'
    watchLeftovers(undefined)
    // Errors counted, not reported one by one, while the call and its leftovers ran.
    flushStrayReports()
    if (!retire) return { delivered: true }
    news({ callId: task.callId, retire })
    return await new Promise<never>(() => {})
  }
}
