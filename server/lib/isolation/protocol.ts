/**
 * What crosses the boundary between the server and an isolation worker: plain JSON data only.
 * The arguments go as the model sent them (the worker parses them with the tool's own schema,
 * so `execute` gets exactly what it would get in-process); the result comes back as JSON text;
 * a thrown error comes back as its name, message, code and causes. `signal` cannot cross: the
 * worker makes its own, which fires at the tool's time limit.
 */
import { describeFailureCause, describeThrown } from '../executor/tool-errors'
import { isToolError, ToolError } from '../tools/tool-error'
import type { ToolProgressUpdate } from '../tools/tool-progress'
import { fieldOf } from '../thrown-field'

/** One call, as the server sends it to a worker. */
export interface IsolatedToolTask {
  /** The tool's index among the tool files (the order of `#background-jobs/tools`). */
  file: number
  /** The tool's name; the worker checks that the file at `file` defines it. */
  name: string
  /** The arguments as the model sent them (decoded JSON). */
  args: unknown
  context: { userId: string, jobId: string, threadId: string | null, step: number }
  /** The tool's time limit; the worker's signal fires then. */
  timeoutMs: number
  /**
   * The most UTF-8 bytes of the result's JSON the server takes: over it, the answer holds only its
   * first bytes and the whole size (the server reads no more of it: `IsolatedToolAnswer.bytes`).
   */
  maxResultJsonBytes?: number
  /**
   * Only check the arguments (a call that needs approval, before the human is asked): the answer
   * is what the schema made of them (`IsolatedArgumentsCheck`: to show, as JSON and bounded, and
   * the exact value when it crosses to a worker unchanged); `execute` is not called.
   */
  check?: true
  /**
   * The arguments as the schema made them when a human approved the call (data a structured clone
   * keeps as it is: executor/approved-arguments.ts): the worker gives `execute` exactly these, without parsing
   * the model's arguments again (a default or transform may not be the same each time).
   */
  approvedArgs?: { value: unknown }
  /** The pool's fault channel (a BroadcastChannel name): where errors left behind by a finished call are reported. */
  faultChannel?: string
  /** The pool's answer channel (a BroadcastChannel name) and the call's id there (leftovers.ts). */
  answerChannel?: string
  callId?: number
  /**
   * Who moved first, in shared memory (`START_GATE`): the worker that starts the call, or the server
   * that gave up waiting for one (`isolation.queueTimeoutMs`). The first to change it decides. The
   * worker then marks when it checks the arguments and when it calls `execute`: a time limit that
   * passes while the schema still runs is not the tool's (it never ran). Its second slot marks that
   * the answer was posted (`ANSWER_POSTED_SLOT`).
   */
  startGate?: Int32Array
}

/**
 * What a check task (`check`) answers: the arguments to show (its JSON), and the exact value when
 * it crosses to a worker unchanged (beside the JSON, in the answer's `exact`: a Date stays a Date).
 */
export interface IsolatedArgumentsCheck {
  /** As JSON and bounded (approval-arguments.ts). */
  shown: unknown
  /** What `execute` would get, when it can cross to a worker unchanged (approved-arguments.ts). */
  exact?: { value: unknown }
}

/** The values of a task's `startGate`. */
export const START_GATE = {
  waiting: 0,
  /** The worker took the call: it loads the tool's file (until `checking`). */
  started: 1,
  cancelled: 2,
  /** The worker loaded the tool's file and checks the arguments with its schema. */
  checking: 3,
  /** The arguments passed: the worker called `execute`. */
  running: 4,
} as const

/**
 * The second slot of a task's `startGate` (the first holds `START_GATE`): the worker sets it to 1
 * just before it posts the call's answer on the answer channel. The pool learns of a worker's death
 * on another channel (the task's rejection), with no order between the two: a rejection read while
 * it is set means the answer is on its way, not that the call failed.
 */
export const ANSWER_POSTED_SLOT = 1
/**
 * The third slot of a task's `startGate`: while a timer an earlier call left running in the worker
 * (leftovers.ts) runs its callback during this call, the worker holds that call's tool file index
 * + 1 there (0 otherwise). Read when the call's time limit passes: a leftover that blocks the
 * thread made the call time out, not the call's own work (`leftoverRunning`).
 */
export const LEFTOVER_RUNNING_SLOT = 2
/** How many slots (Int32) a task's `startGate` has. */
export const GATE_LENGTH = 3

/**
 * Where a started call is in its worker, read from its `startGate` when its time limit passes:
 * `loading` the tool's file (its import has not finished), `checking` the arguments with the
 * tool's schema, or `running` (`execute` was called). Only the last is the tool's own time.
 * `answered`: the worker posted the call's answer (`ANSWER_POSTED_SLOT`), which is on its way.
 */
export type IsolatedCallStage = 'loading' | 'checking' | 'running' | 'answered'

/** The stage a gate means (`waiting` and `cancelled`, never started, read as `running`: not asked then). */
export function stageOfGate(gate: Int32Array): IsolatedCallStage {
  if (Atomics.load(gate, ANSWER_POSTED_SLOT) === 1) return 'answered'
  const state = Atomics.load(gate, 0)
  if (state === START_GATE.started) return 'loading'
  if (state === START_GATE.checking) return 'checking'
  return 'running'
}

/** The tool file index whose leftover timer runs in the call's worker now (`LEFTOVER_RUNNING_SLOT`), or null. */
export function leftoverRunning(gate: Int32Array): number | null {
  if (gate.length <= LEFTOVER_RUNNING_SLOT) return null
  const file = Atomics.load(gate, LEFTOVER_RUNNING_SLOT)
  return file > 0 ? file - 1 : null
}

/**
 * What a worker says on the answer channel: that it started the call; the call's answer, as soon as it has one (the task
 * itself ends only once the call's leftovers are done); or that the worker must be replaced
 * before it runs another call: the call's leftovers are still pending, or the tool's file threw
 * at import (it would stay failed in this worker).
 */
export type IsolatedCallNews =
  | { callId: number, answer: IsolatedToolAnswer }
  | { callId: number, retire: 'leftovers' | 'load-failed' }
  /**
   * A worker took the call from the queue: the tool's time limit starts now (run-with-deadline.ts).
   * `leftoversOf`: tools whose earlier calls left intervals or unref'd timers running in that
   * worker (leftovers.ts), named should it die over its heap cap during this call.
   */
  | { callId: number, started: true, leftoversOf?: string[] }
  /** The call's `ctx.progress` (worker-progress.ts): never after its answer. */
  | { callId: number, progress: ToolProgressUpdate }

/**
 * What a worker's task ends with: the answer itself when the task has no answer channel, else only
 * that the answer went there (a big result must not cross into the server's thread twice).
 */
export type IsolatedTaskEnd = IsolatedToolAnswer | { delivered: true }

/** An error reduced to data. */
export interface SerializedError {
  name: string
  message: string
  code?: string
  cause?: SerializedError
  /** A `ToolError` (its message is shown to the model): rebuilt as one on the server. */
  toolError?: true
}

/** How the call ended inside the worker. */
export type IsolatedToolAnswer =
  | {
    ok: true
    /** The result's JSON; with `bytes`, only its first `maxResultJsonBytes` bytes. */
    json: string
    /** Set when the JSON was over the task's `maxResultJsonBytes`: its whole size in UTF-8 bytes. */
    bytes?: number
    /** A check task's exact value (`IsolatedArgumentsCheck.exact`), cloned as it is. */
    exact?: { value: unknown }
  }
  /** `execute` threw or rejected. */
  | { ok: false, kind: 'threw', error: SerializedError }
  /** The tool's time limit passed in the worker (its `ctx.signal` fired) before `execute` settled. */
  | { ok: false, kind: 'timeout' }
  /**
   * A tool-call error the worker raised itself (not serializable, bad arguments, unknown tool);
   * `notRun` when it came before `execute` was called (counted, not timed).
   */
  | { ok: false, kind: 'tool-error', error: SerializedError, notRun?: true }

/** Deepest cause chain kept (enough for `fetch failed` → socket error). */
const MAX_CAUSE_DEPTH = 3

/**
 * Reduces an error (or any thrown value) to data. The message is what an in-process call would
 * show (`describeThrown`), also for an object without a prototype or an Error whose getters throw.
 * A thrown object that is not an Error keeps its `name`, `code` and `cause` too: in-process, a retryable
 * tool is retried on `{ code: 'ECONNRESET' }` whatever threw it.
 */
export function serializeError(error: unknown, depth = 0): SerializedError {
  // What is not an Error crosses as one named `Error`: one that tells nothing (`throw ''`, an
  // object with an empty `message`) is said here, as in-process, not as "an Error with no message".
  const message = isError(error) ? describeThrown(error) : describeFailureCause(error)
  if (error === null || typeof error !== 'object') return { name: 'Error', message }
  const name = fieldOf(error, 'name')
  const code = fieldOf(error, 'code')
  const cause = fieldOf(error, 'cause')
  return {
    name: typeof name === 'string' ? name : 'Error',
    message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(isToolError(error) ? { toolError: true as const } : {}),
    ...(cause !== undefined && depth < MAX_CAUSE_DEPTH ? { cause: serializeError(cause, depth + 1) } : {}),
  }
}

function isError(value: unknown): boolean {
  try {
    return value instanceof Error
  }
  catch {
    return false
  }
}

/** Rebuilds an `Error` with the same name, message, code and causes. */
export function deserializeError(data: SerializedError): Error {
  const options = data.cause ? { cause: deserializeError(data.cause) } : undefined
  // Its kind crosses too: a ToolError's message is shown to the model, another error's is not.
  const error = data.toolError ? new ToolError(data.message, options) : new Error(data.message, options)
  error.name = data.name
  if (data.code !== undefined) Object.assign(error, { code: data.code })
  return error
}
