/**
 * The pool of worker threads that runs isolated tools (tinypool; docs/decisions/008). It starts
 * at the first isolated call with the settings of that moment (`isolation.*`): each worker has a
 * V8 heap cap, at most `maxWorkers` run at once, at most `maxQueue` calls wait — one more is
 * refused at once. When a call's signal fires (its time limit, or the job's abort) while it runs,
 * the worker is terminated — the tool stops for real, whatever it is doing — and replaced.
 */
import { randomUUID } from 'node:crypto'
import type { BackgroundJobsConfig } from '../config'
import { ToolCallError } from '../executor/tool-errors'
import type { ToolResultJson } from '../executor/tool-result-json'
import { toolResultFromJson } from '../executor/tool-result-json'
import type { Logger } from '../logger'
import { silentLogger } from '../logger'
import { useMetrics } from '../metrics'
import { IsolationQueueFullError, IsolationUnavailableError, ToolHeapLimitError, ToolWorkerExitedError } from './errors'
import type { IsolatedToolAnswer, IsolatedToolTask } from './protocol'
import { deserializeError } from './protocol'
import { listenForStrayErrors } from './stray-errors'

/** One call to run isolated. */
export type IsolatedCall = Omit<IsolatedToolTask, 'file' | 'faultChannel'>

/** Counts of the pool; all zero when nothing runs (workers stay up to `minWorkers`). */
export interface IsolationStats {
  workers: number
  /** Calls accepted and not settled yet: running or waiting. */
  calls: number
}

/** Runs tools in worker threads. One per engine; `dispose` stops every worker. */
export interface ToolIsolation {
  /**
   * Runs one call. Resolves with the result's JSON; rejects with the tool's own error (rebuilt
   * from what crossed the boundary) when it threw, or with a `ToolCallError` for an isolation
   * fault (queue full, heap cap, worker died, unavailable).
   */
  run(call: IsolatedCall, signal: AbortSignal): Promise<ToolResultJson>
  stats(): IsolationStats
  dispose(): Promise<void>
}

/** Options of `createToolIsolation`. */
export interface ToolIsolationOptions {
  /** The worker entry's URL (`#background-jobs/tool-worker-url`); null when the build has none. */
  workerUrl: () => string | null
  /** Tool names by file index, in the order of `#background-jobs/tools` (the worker entry's order). */
  toolFiles: readonly (string | undefined)[]
  /** Read once, when the first isolated call starts the pool. */
  getConfig: () => BackgroundJobsConfig
  /** Where a worker that fails outside any call (at start-up, say) is reported. */
  logger?: Logger
}

type Pool = import('tinypool').Tinypool
/** tinypool's refusals when its queue is full (they have no error code). */
const QUEUE_FULL_MESSAGES = new Set(['Task queue is at limit', 'No task queue available and all Workers are busy'])

/** Creates the isolation of an engine; no thread starts before the first isolated call. */
export function createToolIsolation(options: ToolIsolationOptions): ToolIsolation {
  let pool: Promise<Pool> | null = null
  let started: Pool | null = null
  let settings: BackgroundJobsConfig['isolation'] | null = null
  let calls = 0
  let disposed = false
  const logger = options.logger ?? silentLogger
  // Errors a tool's code raised after its call had answered: its worker ignored them and says so here.
  const faultChannel = `background-jobs:isolation-faults:${randomUUID()}`
  let stopListening: (() => void) | null = null

  async function startPool(workerUrl: string): Promise<Pool> {
    const { Tinypool } = await import('tinypool')
    const { maxWorkers, minWorkers, maxQueue, heapMb, idleTimeoutMs } = settings!
    const created = new Tinypool({
      filename: workerUrl,
      maxThreads: Math.max(1, maxWorkers),
      minThreads: Math.max(0, Math.min(minWorkers, maxWorkers)),
      maxQueue: Math.max(0, maxQueue),
      idleTimeout: idleTimeoutMs,
      resourceLimits: { maxOldGenerationSizeMb: heapMb },
    })
    // A worker that dies with no call on it is reported here; unheard, it would crash the server.
    created.on('error', (error: unknown) => logger.error('an isolation worker failed', { error }))
    stopListening ??= listenForStrayErrors(faultChannel, ({ tool, jobId, kind, message }) => {
      useMetrics().increment('tool_stray_errors_total', { tool: tool ?? 'unknown', kind })
      logger.error(`isolated tool ${tool ? `"${tool}"` : '(unknown)'} raised an error after its call had ended; it was ignored and the worker goes on`, { tool, jobId, kind, error: message })
    })
    started = created
    return created
  }

  function toFault(call: IsolatedCall, error: unknown, signal: AbortSignal): unknown {
    if (signal.aborted) {
      useMetrics().increment('isolated_calls_stopped_total', { reason: 'signal' })
      return signal.reason
    }
    if ((error as { code?: unknown })?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
      useMetrics().increment('isolated_calls_stopped_total', { reason: 'heap' })
      return new ToolHeapLimitError(call.name, settings!.heapMb)
    }
    if (QUEUE_FULL_MESSAGES.has((error as Error)?.message)) return new IsolationQueueFullError(call.name, settings!.maxQueue)
    useMetrics().increment('isolated_calls_stopped_total', { reason: 'exit' })
    return new ToolWorkerExitedError(call.name, error)
  }

  function fromAnswer(call: IsolatedCall, answer: IsolatedToolAnswer): ToolResultJson {
    if (answer.ok) return toolResultFromJson(answer.json)
    if (answer.kind === 'tool-error') throw new ToolCallError(call.name, answer.error.message)
    throw deserializeError(answer.error)
  }

  return {
    async run(call, signal) {
      if (disposed) throw new IsolationUnavailableError(call.name, 'the server is shutting down')
      const workerUrl = options.workerUrl()
      if (!workerUrl) throw new IsolationUnavailableError(call.name, 'this build has no worker entry (the server output is a single file, or the preset has no Node worker threads)')
      const file = options.toolFiles.indexOf(call.name)
      if (file < 0) throw new IsolationUnavailableError(call.name, 'it was registered in code, not loaded from a server/tools file, so a worker cannot load it')
      settings ??= options.getConfig().isolation
      const { maxWorkers, maxQueue } = settings
      if (calls >= Math.max(1, maxWorkers) + Math.max(0, maxQueue)) throw new IsolationQueueFullError(call.name, maxQueue)
      calls++
      try {
        pool ??= startPool(workerUrl)
        const running = await pool.catch((error: unknown) => {
          throw new IsolationUnavailableError(call.name, `its worker pool could not start: ${error instanceof Error ? error.message : String(error)}`)
        })
        const task: IsolatedToolTask = { ...call, file, faultChannel }
        const answer = await running.run(task, { signal }).catch((error: unknown) => {
          throw toFault(call, error, signal)
        }) as IsolatedToolAnswer
        return fromAnswer(call, answer)
      }
      finally {
        calls--
      }
    },
    stats() {
      return { workers: started?.threads.length ?? 0, calls }
    },
    async dispose() {
      disposed = true
      stopListening?.()
      stopListening = null
      const running = await pool?.catch(() => null)
      pool = null
      started = null
      await running?.destroy()
    },
  }
}
