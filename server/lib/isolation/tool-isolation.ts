/**
 * What the engine asks of tool isolation (tool-pool.ts runs it: worker threads, docs/decisions/008):
 * run one call in a worker, say why a tool cannot be, count the calls, stop every worker.
 */
import type { BackgroundJobsConfig } from '../config'
import type { CancelStart } from '../executor/run-with-deadline'
import type { ToolResultJson } from '../executor/tool-result-json'
import type { Logger } from '../logger'
import type { IsolatedCall } from './call-outcome'
import type { IsolatedCallStage } from './protocol'
import type { IsolationAvailability } from './worker-entry'

/** Counts of the pool; all zero when nothing runs (workers stay up to `minWorkers`). */
export interface IsolationStats {
  workers: number
  /** Calls accepted and not settled yet: running or waiting. */
  calls: number
  /** Of those, the calls waiting for a free worker (`engine_isolated_calls_waiting`). */
  waiting: number
}

/** Runs tools in worker threads. One per engine; `dispose` stops every worker. */
export interface ToolIsolation {
  /**
   * Runs one call. Resolves with the result's JSON; rejects with the tool's own error (rebuilt
   * from what crossed the boundary) when it threw, or with a `ToolCallError` for an isolation
   * fault (queue full, heap cap, worker died, unavailable). `started` is called when a worker
   * takes the call from the queue (the tool's time limit starts then). `onWaiting` gets how to
   * cancel the call's start: false when a worker had started it (its report may be on its way),
   * true when no worker ever will (then abort `signal` to take it out of the queue); and
   * `stage`, where the worker is in the call (read when the time limit passes: while it still
   * loads the tool's file or checks the arguments, `execute` was not called yet); and
   * `leftover`, the tool whose timer, left running by an earlier call, runs in the worker now
   * (read then too: blocking the thread, it made the call time out).
   */
  run(call: IsolatedCall, signal: AbortSignal, started?: () => void, onWaiting?: IsolatedOnWaiting, onProgress?: (update: unknown) => void): Promise<ToolResultJson>
  /** Why no worker can ever run this tool here (no worker entry in the build, not from a server/tools file), or null. */
  unavailable?(name: string): string | null
  stats(): IsolationStats
  dispose(): Promise<void>
}

/** How a call tells where its worker is (`ToolIsolation.run`). */
export type IsolatedOnWaiting = (cancel: CancelStart, stage: () => IsolatedCallStage, leftover?: () => string | null) => void

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
  /** Shared with the boot check (worker-entry.ts), so a missing entry is logged once; made from the above when absent. */
  unavailable?: IsolationAvailability
  /** How long a worker may take to come back after its call answered (tests). @default RELEASE_TIMEOUT_MS */
  releaseTimeoutMs?: number
}
