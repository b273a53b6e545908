/**
 * Errors a tool's code raises outside its `execute` promise: a throw in a timer or an event
 * callback, a promise it rejected and left unhandled. Node ends a worker thread on either, and the
 * pool then fails whatever call runs in that worker at that moment — often a later call of another
 * tool, for another job and user, whose model would then read the first tool's error message. In
 * an isolation worker they end nothing:
 * - raised while their own call runs (found by async context), they fail that call at once with
 *   the error, as a throw from `execute` would;
 * - raised after their call answered (or by code of no known call), they are sent to the server
 *   over the pool's fault channel — it logs them naming the tool and the job — and ignored.
 * The worker goes on serving calls either way.
 */
import { BroadcastChannel, isMainThread } from 'node:worker_threads'
import { cutToolErrorText, describeFailureCause } from '../executor/tool-errors'
import { redact } from '../logger'
import type { CallScope } from './call-scope'
import { currentCallScope } from './call-scope'
import { createStrayReportLimit } from './stray-report-limit'

/** What a worker reports about an error it ignored. */
export interface StrayErrorReport {
  /** The tool whose code raised it; null when no call could be found. */
  tool: string | null
  jobId: string | null
  /** `uncaughtException` (a throw in a callback) or `unhandledRejection`. */
  kind: 'uncaughtException' | 'unhandledRejection'
  message: string
  /**
   * Set on a report that stands for this many errors (the message is the last one's): the worker
   * counted them instead of reporting each (more than `STRAY_REPORTS_PER_WINDOW` a second).
   */
  suppressed?: number
}

/** The channels to the server, by name (one pool per name). */
const channels = new Map<string, BroadcastChannel>()
/** The channel of the last call seen, for errors of no known call (every call of a worker comes from one pool). */
let lastFaultChannel: string | undefined

/** Remembers the channel a call of this worker reports to. */
export function noteFaultChannel(scope: CallScope): void {
  lastFaultChannel = scope.faultChannel ?? lastFaultChannel
}

/** Posts `message` to the server on the channel `name` (also the answer channel, leftovers.ts). */
export function postToServer(name: string, message: unknown): void {
  let channel = channels.get(name)
  if (!channel) {
    channel = new BroadcastChannel(name)
    // Reporting must never keep the worker alive.
    channel.unref()
    channels.set(name, channel)
  }
  channel.postMessage(message)
}

/** Errors reported one by one up to a rate, the rest counted (stray-report-limit.ts). */
const limit = createStrayReportLimit(postToServer)

/** Sends the errors counted and not reported yet (at the end of a worker's turn). */
export function flushStrayReports(): void {
  limit.flush()
}

/** The report carries the error's text redacted, then cut (a cut before would leave a split URL password unredacted). */
function report(scope: CallScope | undefined, kind: StrayErrorReport['kind'], error: unknown): void {
  const name = scope?.faultChannel ?? lastFaultChannel
  if (!name) return
  const message: StrayErrorReport = { tool: scope?.tool ?? null, jobId: scope?.jobId ?? null, kind, message: cutToolErrorText(redact(describeFailureCause(error)) as string) }
  limit.report(name, message)
}

function onStrayError(kind: StrayErrorReport['kind'], error: unknown): void {
  const scope = currentCallScope()
  if (scope && !scope.settled) scope.fail(error)
  else report(scope, kind, error)
}

let installed = false

/** Installs the handlers (once per worker; never in the server's own thread). */
export function trapStrayErrors(): void {
  if (isMainThread || installed) return
  installed = true
  process.on('uncaughtException', error => onStrayError('uncaughtException', error))
  process.on('unhandledRejection', reason => onStrayError('unhandledRejection', reason))
}

/**
 * Listens on a pool's fault channel; `onReport` gets every error its workers ignored.
 * Returns a function that stops listening.
 */
export function listenForStrayErrors(name: string, onReport: (report: StrayErrorReport) => void): () => void {
  const channel = new BroadcastChannel(name)
  channel.onmessage = event => onReport((event as { data: StrayErrorReport }).data)
  channel.unref()
  return () => channel.close()
}
