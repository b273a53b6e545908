/**
 * `process.exit()` in an in-process tool's code — or in a workflow node's own functions — ends the
 * server: every job of the instance fails `owner-lost` or `shutdown`, every viewer is cut off. A
 * tool file written as a script (`if (!key) { console.error(…); process.exit(1) }`), or a library
 * that exits on a fatal error, does it by accident. An isolation worker already refuses it
 * (isolation/worker-runtime.ts); this does the same in the server's thread.
 *
 * Found by the async context of the code that asks (isolation/call-scope.ts, the scope the stray
 * error trap uses), so also from a timer or a callback it started: the call (or node) fails at once
 * with an error saying so, and the exit throws that error where it was asked for, so the code after
 * it does not run as if the process had ended. Asked for after the call ended, the throw reaches
 * the process as a stray error of that tool (stray-errors.ts logs it naming the tool and job).
 * `process.abort()` and Node's internal `process.reallyExit()` (which `process.exit` calls) are
 * refused the same way. An exit asked for by code of no tool call or node goes through as before.
 */
import { currentCodeScope } from '../isolation/call-scope'
import type { CodeScope } from '../isolation/call-scope'

/** The process's exits, as the guard found them. */
interface Exits {
  exit: typeof process.exit
  abort: typeof process.abort
  reallyExit: (code?: number) => void
}

/** What refusing an exit throws: a tool's (or node's) code asked the server's process to end. */
export class ProcessExitRefusedError extends Error {
  constructor(what: string, scope: CodeScope) {
    // The log line and the call's error already name the tool (or the workflow and node).
    super(`${what} is not allowed in ${'tool' in scope ? 'a tool' : 'a workflow node\'s function'}: it would end the server and every job on it; throw an error instead`)
    this.name = 'ProcessExitRefusedError'
  }
}

/** Node marks the process as exiting before its own way out (after an uncaught exception): that must go through. */
function exiting(): boolean {
  return (process as { _exiting?: boolean })._exiting === true
}

/**
 * Guards the process's exits against code of a tool call or workflow node (see the file comment).
 * Returns a function that puts the process's own exits back.
 */
export function guardToolProcessExit(): () => void {
  const internal = process as unknown as { reallyExit: (code?: number) => void }
  const original: Exits = { exit: process.exit, abort: process.abort, reallyExit: internal.reallyExit }
  // The scope of the code asking, unless the exit is Node's own or no tool's.
  const refusing = (): CodeScope | undefined => (exiting() ? undefined : currentCodeScope())
  const refuse = (what: string, scope: CodeScope): never => {
    const error = new ProcessExitRefusedError(what, scope)
    scope.fail(error)
    throw error
  }
  const guarded: Exits = {
    exit: function (this: NodeJS.Process, code?: number | string | null) {
      const scope = refusing()
      if (scope) return refuse(`process.exit(${code ?? ''})`, scope)
      return original.exit.call(this, code)
    } as typeof process.exit,
    abort: function (this: NodeJS.Process) {
      const scope = refusing()
      if (scope) return refuse('process.abort()', scope)
      return original.abort.call(this)
    } as typeof process.abort,
    reallyExit: function (this: NodeJS.Process, code?: number) {
      const scope = refusing()
      if (scope) return refuse(`process.reallyExit(${code ?? ''})`, scope)
      return original.reallyExit.call(this, code)
    },
  }
  process.exit = guarded.exit
  process.abort = guarded.abort
  internal.reallyExit = guarded.reallyExit
  return () => {
    // Put back only what is still ours (another guard may have wrapped it since).
    if (process.exit === guarded.exit) process.exit = original.exit
    if (process.abort === guarded.abort) process.abort = original.abort
    if (internal.reallyExit === guarded.reallyExit) internal.reallyExit = original.reallyExit
  }
}
