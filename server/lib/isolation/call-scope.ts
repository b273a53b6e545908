/**
 * The code a callback, a timer or a promise belongs to, found through its async context — so also
 * from a timer, an event callback or a promise that code started:
 * - a tool call (in the server's thread, or inside an isolation worker, where it pins a
 *   `process.exit()` or a stray error on the call that caused it, never on another);
 * - a workflow node's own functions (`choose`, a `prompt`, `args` or `value` function) in the server.
 */
import { AsyncLocalStorage } from 'node:async_hooks'

/** What every scope has: the job, whether its run ended, and how to end it early. */
interface ScopeBase {
  /** The job the code runs for (what a log line names). */
  jobId: string
  /** True once the call or node has ended; its code may still run (timers it left behind). */
  settled: boolean
  /** Fails the call or node at once (no effect once it settled). */
  fail(error: unknown): void
}

/** One tool call running (or run). */
export interface CallScope extends ScopeBase {
  /** The tool's name. */
  tool: string
  /** Where an isolation worker reports what happens after a call ended (the pool's fault channel). */
  faultChannel: string | undefined
}

/** One run of a workflow node (its author's functions; the tools it calls have their own scopes). */
export interface NodeScope extends ScopeBase {
  workflow: string
  nodeId: string
}

/** A scope of either kind. */
export type CodeScope = CallScope | NodeScope

const codeScope = new AsyncLocalStorage<CodeScope>()

/** Runs `run` as code of `scope`. */
export function runInCallScope<T>(scope: CodeScope, run: () => T): T {
  return codeScope.run(scope, run)
}

/** The scope whose code is running now (the innermost), or undefined outside any. */
export function currentCodeScope(): CodeScope | undefined {
  return codeScope.getStore()
}

/** The tool call whose code is running now, or undefined outside any call. */
export function currentCallScope(): CallScope | undefined {
  const scope = codeScope.getStore()
  return scope && 'tool' in scope ? scope : undefined
}

/** A scope being run, and the promise that rejects when its code raises a stray error (`fail`). */
export interface OpenScope<Scope extends CodeScope> {
  scope: Scope
  /** Rejects with the error `scope.fail` was called with; never resolves. Race the run against it. */
  failed: Promise<never>
  /** Marks the scope settled: its later stray errors are reported, not failing anything. */
  end(): void
}

/** What failing a settled scope does (defined out here: a closure made in `openScope` would keep its `failed`). */
function ignoreFailure(): void {}

/** Opens a scope for one tool call or node run (see `OpenScope`). */
export function openScope<Scope extends CodeScope>(owner: Omit<Scope, 'settled' | 'fail'>): OpenScope<Scope> {
  let fail!: (error: unknown) => void
  const failed = new Promise<never>((_, reject) => {
    fail = reject
  })
  // Nobody may be racing it any more when the error comes.
  failed.catch(() => {})
  const scope = { ...owner, settled: false, fail } as Scope
  return {
    scope,
    failed,
    end: () => {
      scope.settled = true
      // The scope outlives its run in every timer or socket its code created (a cache refresh, a
      // pool's keep-alive). Through `failed`, whose race settled with the run's result, it would
      // keep that result in memory for as long: let go of it (failing a settled run does nothing).
      scope.fail = ignoreFailure
    },
  }
}
