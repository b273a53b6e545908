/**
 * The pool of worker threads that runs isolated tools (tinypool; docs/decisions/008). It starts
 * at the first isolated call with the settings of that moment (`isolation.*`): each worker has a
 * V8 heap cap, at most `maxWorkers` run at once, at most `maxQueue` calls wait — one more is
 * refused at once — and take free workers in turns by user, within each user's share
 * (`maxWorkersPerUser`, waiting-calls.ts). When a call's signal fires (its time limit, or the
 * job's abort) while it runs, the worker is terminated — the tool stops for real, whatever it is
 * doing — and replaced.
 * A call resolves with its answer at once, but its worker takes another call only once the work
 * the call left running is done (leftovers.ts); a worker that says it is not, or does not come
 * back within `RELEASE_TIMEOUT_MS`, is terminated and replaced first.
 */
import { BroadcastChannel } from 'node:worker_threads'
import { randomUUID } from 'node:crypto'
import type { BackgroundJobsConfig } from '../config'
import { silentLogger } from '../logger'
import { useMetrics } from '../metrics'
import type { IsolatedCall } from './call-outcome'
import { callFault, logDiedAfterAnswer, resultOfAnswer } from './call-outcome'
import { IsolationQueueFullError, IsolationQueueYieldedError, IsolationUnavailableError, leftoverTimerOf, ToolWorkerExitedError } from './errors'
import type { IsolatedCallNews, IsolatedTaskEnd, IsolatedToolAnswer, IsolatedToolTask } from './protocol'
import { ANSWER_POSTED_SLOT, GATE_LENGTH, leftoverRunning, stageOfGate, START_GATE } from './protocol'
import { LEFTOVER_WAIT_MS } from './leftovers'
import { listenForStrayErrors } from './stray-errors'
import { STRAY_REPORTS_PER_WINDOW } from './stray-report-limit'
import { createIsolationAvailability } from './worker-entry'
import { createWaitingCalls, type WaitingCall } from './waiting-calls'
import type { IsolatedOnWaiting, ToolIsolation, ToolIsolationOptions } from './tool-isolation'

export type { IsolatedCall } from './call-outcome'
export type { IsolatedOnWaiting, IsolationStats, ToolIsolation, ToolIsolationOptions } from './tool-isolation'

type Pool = import('tinypool').Tinypool
/**
 * How long a worker may take, after its call answered, to finish the call's leftovers and come
 * back (it waits up to `LEFTOVER_WAIT_MS` for them); past it, it is terminated and replaced.
 */
export const RELEASE_TIMEOUT_MS = 1_000
/**
 * How long a call whose worker died right after posting its answer waits for that answer (on its way
 * on the answer channel, which keeps no order with the task's rejection); past it, the call fails.
 */
export const ANSWER_WAIT_MS = 1_000

/** The answer channel's listeners, by call id. */
interface AwaitedCall {
  started: (leftoversOf: readonly string[]) => void
  answer: (answer: IsolatedToolAnswer) => void
  retire: (why: Extract<IsolatedCallNews, { retire: unknown }>['retire']) => void
  /** The call's `ctx.progress` (worker-progress.ts; its caller ignores it once the call returned). */
  progress: (update: unknown) => void
}

/** Creates the isolation of an engine; no thread starts before the first isolated call. */
export function createToolIsolation(options: ToolIsolationOptions): ToolIsolation {
  let pool: Promise<Pool> | null = null
  // The pool once it runs (`pool` resolved): a call then needs no `await` to take its place.
  let livePool: Pool | null = null
  let settings: BackgroundJobsConfig['isolation'] | null = null
  let calls = 0
  let disposed = false
  const logger = options.logger ?? silentLogger
  const releaseMs = options.releaseTimeoutMs ?? RELEASE_TIMEOUT_MS
  // Errors a tool's code raised after its call had answered: its worker ignored them and says so here.
  const faultChannel = `background-jobs:isolation-faults:${randomUUID()}`
  let stopListening: (() => void) | null = null
  // Answers, and workers that must be replaced because of what a call left running (leftovers.ts).
  const answerChannel = `background-jobs:isolation-answers:${randomUUID()}`
  let answers: BroadcastChannel | null = null
  const awaited = new Map<number, AwaitedCall>()
  let lastCallId = 0
  // Calls waiting for a free worker (each is given to tinypool by `pump`, in turn by user, within
  // each user's share of the workers), and tinypool turns under way.
  const waiting = createWaitingCalls(() => settings?.maxWorkersPerUser ?? Infinity, () => useMetrics().increment('isolated_share_turns_total'))
  let turns = 0

  async function startPool(workerUrl: string): Promise<Pool> {
    const { Tinypool } = await import('tinypool')
    // Disposed while tinypool was loading: no pool, and no channel `dispose` could no longer close.
    if (disposed) throw new Error('the server is shutting down')
    const { maxWorkers, minWorkers, maxQueue, heapMb, idleTimeoutMs } = settings!
    const created = new Tinypool({
      filename: workerUrl,
      maxThreads: Math.max(1, maxWorkers),
      minThreads: Math.max(0, Math.min(minWorkers, maxWorkers)),
      // Calls wait in the pool's own queue (`waiting`): tinypool is given one only when a worker is
      // free, and holds it only while the worker it starts for it loads (`run` bounds the calls,
      // `maxWorkers` + `maxQueue`).
      maxQueue: Math.max(1, maxWorkers) + Math.max(0, maxQueue),
      idleTimeout: idleTimeoutMs,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    })
    // A worker that dies with no call on it is reported here; unheard, it would crash the server.
    created.on('error', (error: unknown) => logger.error('an isolation worker failed', { error }))
    stopListening ??= listenForStrayErrors(faultChannel, ({ tool, jobId, kind, message, suppressed }) => {
      useMetrics().increment('tool_stray_errors_total', { tool: tool ?? 'unknown', kind }, suppressed ?? 1)
      const who = `isolated tool ${tool ? `"${tool}"` : '(unknown)'}`
      if (suppressed) logger.error(`${who} raised ${suppressed} more errors after its call had ended (over ${STRAY_REPORTS_PER_WINDOW} a second, so not logged one by one; the last is shown); they were ignored and the worker goes on`, { tool, jobId, kind, error: message, suppressed })
      else logger.error(`${who} raised an error after its call had ended; it was ignored and the worker goes on`, { tool, jobId, kind, error: message })
    })
    answers ??= new BroadcastChannel(answerChannel)
    answers.onmessage = (event) => {
      const news = (event as { data: IsolatedCallNews }).data
      const call = awaited.get(news.callId)
      if ('answer' in news) call?.answer(news.answer)
      else if ('started' in news) call?.started(news.leftoversOf ?? [])
      else if ('progress' in news) call?.progress(news.progress)
      else call?.retire(news.retire)
    }
    answers.unref()
    livePool = created
    pump()
    return created
  }

  /**
   * Gives waiting calls to tinypool while fewer than `maxWorkers` of its turns are under way, in
   * turn by user, a user holding `maxWorkersPerUser` workers passed over while another's call
   * waits (waiting-calls.ts). A call is given only when a worker is free (or, after one was lost,
   * is started for it),
   * so tinypool never holds one behind busy workers: a call given up in the queue (its job aborted,
   * `isolation.queueTimeoutMs` passed) is only taken out of `waiting`, and one given up after it
   * was given is left to its worker, which answers it "not run" at once — no worker is stopped for
   * either (tinypool would terminate the worker it had handed one to).
   */
  function pump(): void {
    // Calls that came while the pool was starting wait in `waiting` (displaceable, in turns) until it runs.
    if (!livePool) return
    while (turns < Math.max(1, settings!.maxWorkers) && waiting.length > 0) {
      turns++
      waiting.next()!.enter()
    }
  }

  /** The tool whose timer, left running by an earlier call, runs in the worker of the call of `gate` now. */
  function leftoverOfGate(gate: Int32Array): string | undefined {
    const file = leftoverRunning(gate)
    return file === null ? undefined : options.toolFiles[file]
  }

  /** A failed task's error for its call (call-outcome.ts). */
  function toFault(call: IsolatedCall, error: unknown, signal: AbortSignal, began: boolean, leftoversOf: readonly string[] = []): unknown {
    return callFault(call, error, signal, began, settings!, leftoversOf)
  }

  /** Logs a worker's death after its call answered (call-outcome.ts), with the leftover of `gate` running then. */
  function diedAfterAnswer(call: IsolatedCall, error: unknown, gate: Int32Array): void {
    logDiedAfterAnswer(logger, call, error, settings!.heapMb, leftoverOfGate(gate))
  }

  /**
   * Runs the task; resolves with the call's answer as soon as the worker sends it. The task itself
   * (the worker's turn) may go on while the call's leftovers finish: the worker is terminated when
   * it says they will not in time, or when it does not come back within `RELEASE_TIMEOUT_MS`.
   */
  async function runTask(ready: Pool | Promise<Pool>, task: IsolatedToolTask & { callId: number }, signal: AbortSignal, started: () => void, onWaiting?: IsolatedOnWaiting, onProgress?: (update: unknown) => void): Promise<IsolatedToolAnswer> {
    const call: IsolatedCall = task
    // The worker's start and the server's giving up on it: whichever comes first decides.
    const gate = new Int32Array(new SharedArrayBuffer(GATE_LENGTH * Int32Array.BYTES_PER_ELEMENT))
    const workerStarted = () => {
      const state = Atomics.load(gate, 0)
      return state !== START_GATE.waiting && state !== START_GATE.cancelled
    }
    onWaiting?.(() => {
      const before = Atomics.compareExchange(gate, 0, START_GATE.waiting, START_GATE.cancelled)
      return before === START_GATE.waiting || before === START_GATE.cancelled
    }, () => stageOfGate(gate), () => leftoverOfGate(gate) ?? null)
    // Aborting it terminates the worker (tinypool); the call's signal does so once a worker started the call, until it answered.
    const turn = new AbortController()
    // A worker took the call from the queue (it says so first on the answer channel).
    let began = false
    // Tools whose earlier calls left timers running in the worker that started this call.
    let leftoversOf: readonly string[] = []
    // Rejects with the signal's reason when the call is given up before any worker started it.
    let giveUp!: (reason: unknown) => void
    const givenUp = new Promise<never>((_resolve, reject) => {
      giveUp = reject
    })
    givenUp.catch(() => {})
    // Its place in `waiting` (`queued` until `pump` gives it to tinypool).
    let enter!: () => void
    const given = new Promise<void>(resolve => (enter = resolve))
    const entry: WaitingCall = {
      userId: call.context.userId,
      tool: call.name,
      enter: () => {
        queued = null
        enter()
      },
      refuse: (error = new IsolationUnavailableError(call.name, 'the server is shutting down')) => {
        queued = null
        giveUp(error)
      },
    }
    let queued: WaitingCall | null = entry
    waiting.push(entry)
    const stop = () => {
      // Still waiting for a free worker: taken out of the queue.
      if (queued && waiting.remove(queued)) return queued.refuse(signal.reason)
      // Given to a worker that has not started it: marked, it answers "not run" at once (if it does
      // not take it within `RELEASE_TIMEOUT_MS`, the watchdog replaces it). Started: it is stopped.
      const before = Atomics.compareExchange(gate, 0, START_GATE.waiting, START_GATE.cancelled)
      if (before === START_GATE.waiting || before === START_GATE.cancelled) return giveUp(signal.reason)
      turn.abort(signal.reason)
    }
    if (signal.aborted) stop()
    else pump()
    signal.addEventListener('abort', stop, { once: true })
    let answered = false
    // The worker's turn ended (its task settled): the worker is back, or gone. True until it had one.
    let back = true
    let watchdog: ReturnType<typeof setTimeout> | undefined
    let answerWait: ReturnType<typeof setTimeout> | undefined
    const replace = (why: string, what = 'left work running after its call answered') => {
      if (turn.signal.aborted) return
      // Not the call's own work: a timer an earlier call left running there runs now.
      const leftoverOf = leftoverOfGate(gate)
      const said = leftoverOf ? `answered, then its worker ran ${leftoverTimerOf(leftoverOf)}` : workerStarted() ? what : 'was given up before its worker started it, and that worker did not take it'
      if (!workerStarted()) useMetrics().increment('isolated_calls_stopped_total', { reason: 'signal' })
      logger.warn(`isolated tool "${call.name}" ${said}; its worker was replaced (${why})`, { tool: call.name, jobId: call.context.jobId, ...(leftoverOf ? { leftoverOf } : {}) })
      turn.abort(new Error(why))
    }
    const early = new Promise<IsolatedToolAnswer>((resolve) => {
      awaited.set(task.callId, {
        started: (others) => {
          began = true
          leftoversOf = others
          started()
        },
        answer: resolve,
        progress: update => onProgress?.(update),
        retire: why => why === 'load-failed'
          ? replace('the next call loads its file again', 'could not be loaded')
          : replace(`still pending after ${LEFTOVER_WAIT_MS} ms`),
      })
    })
    // A pool that could not start gives no turn: the call fails with its error instead.
    const poolFailed = Promise.resolve(ready).then(() => new Promise<never>(() => {}))
    try {
      await Promise.race([given, givenUp, poolFailed])
      const running = await ready
      back = false
      const done = (running.run({ ...task, startGate: gate }, { signal: turn.signal }) as Promise<IsolatedTaskEnd>).finally(() => {
        back = true
        turns--
        waiting.ended(entry)
        pump()
        // Its answer may still be on its way (the answer channel is not the task's port).
        if (answered) awaited.delete(task.callId)
        clearTimeout(watchdog)
      })
      done.catch(() => {})
      return await Promise.race([early, givenUp, done.then(end => ('delivered' in end ? early : end), (error: unknown) => {
        if (answered) {
          // The worker died under work the call left running (not terminated by the pool): its answer stands.
          if (!turn.signal.aborted && !disposed) diedAfterAnswer(call, error, gate)
          return new Promise<never>(() => {})
        }
        if (!signal.aborted && Atomics.load(gate, ANSWER_POSTED_SLOT) === 1) {
          // It posted its answer, then died: the answer is on its way (`early` settles the call) and stands.
          void early.then(() => !turn.signal.aborted && !disposed && diedAfterAnswer(call, error, gate))
          return new Promise<never>((_resolve, reject) => {
            answerWait = setTimeout(() => {
              // It never came (it could not be posted whole: over the heap cap, say): the death is the call's fault.
              const fault = toFault(call, error, signal, true, leftoversOf)
              reject(fault instanceof ToolWorkerExitedError ? new ToolWorkerExitedError(call.name, new Error(`it died after posting the call's answer, which did not arrive within ${ANSWER_WAIT_MS} ms (${error instanceof Error ? error.message : String(error)})`)) : fault)
            }, ANSWER_WAIT_MS).unref()
          })
        }
        throw toFault(call, error, signal, began || workerStarted(), leftoversOf)
      })])
    }
    finally {
      // Never given a turn nor refused (its pool failed to start): out of the queue.
      if (queued) waiting.remove(queued)
      answered = true
      clearTimeout(answerWait)
      signal.removeEventListener('abort', stop)
      // Once its worker is back (or gone), or when it never had one, nothing is left to watch.
      if (back) awaited.delete(task.callId)
      else watchdog = setTimeout(() => replace(`not back within ${releaseMs} ms`), releaseMs).unref()
    }
  }

  const unavailable = options.unavailable ?? createIsolationAvailability({ workerUrl: options.workerUrl, toolFiles: options.toolFiles, logger })

  return {
    unavailable,
    async run(call, signal, started = () => {}, onWaiting, onProgress) {
      if (disposed) throw new IsolationUnavailableError(call.name, 'the server is shutting down')
      const why = unavailable(call.name)
      if (why) throw new IsolationUnavailableError(call.name, why)
      const workerUrl = options.workerUrl()!
      const file = options.toolFiles.indexOf(call.name)
      settings ??= options.getConfig().isolation
      const { maxWorkers, maxQueue } = settings
      if (calls >= Math.max(1, maxWorkers) + Math.max(0, maxQueue)) {
        // Full: the user holding the most gives up its newest waiting call, or this one is refused.
        const yielded = waiting.displace(call.context.userId)
        useMetrics().increment('isolated_calls_not_run_total', { reason: yielded ? 'yielded' : 'queue-full' })
        if (!yielded) throw new IsolationQueueFullError(call.name, maxQueue)
        yielded.refuse(new IsolationQueueYieldedError(yielded.tool ?? 'unknown', maxQueue))
      }
      calls++
      try {
        pool ??= startPool(workerUrl)
        // The call takes its place in the queue now, in this tick, also while the pool starts: after
        // an `await`, a worker that freed meanwhile (a call's turn ending, a worker replaced) went to
        // a call already waiting — another user's over its share — and this one waited a whole call;
        // and a full queue, not seeing the calls still on their way in, refused another user's call
        // rather than take the place of the newest of the user holding the most.
        const ready = livePool ?? pool.catch((error: unknown) => {
          if (disposed) throw new IsolationUnavailableError(call.name, 'the server is shutting down')
          throw new IsolationUnavailableError(call.name, `its worker pool could not start: ${error instanceof Error ? error.message : String(error)}`)
        })
        return resultOfAnswer(call, await runTask(ready, { ...call, file, faultChannel, answerChannel, callId: ++lastCallId }, signal, started, onWaiting, onProgress))
      }
      finally {
        calls--
      }
    },
    stats() {
      return { workers: livePool?.threads.length ?? 0, calls, waiting: waiting.length }
    },
    async dispose() {
      disposed = true
      stopListening?.()
      stopListening = null
      answers?.close()
      answers = null
      awaited.clear()
      // Calls still waiting for a worker get none.
      for (const call of waiting.clear()) call.refuse()
      const running = await pool?.catch(() => null)
      pool = null
      livePool = null
      await running?.destroy()
    },
  }
}
