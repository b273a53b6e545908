/**
 * The tool stray-error trap installed for a test, with the process's own listeners stood in for:
 * what the trap logs lands in `logged`, what it leaves to the process (`uncaughtException`,
 * `unhandledRejection`) lands in `unnamed`. Shared by tool-abort-listener-errors,
 * tool-approval-check-stray-errors and tool-isolation-abort-listener-errors.
 */
import type { Logger } from '../../server/lib/logger'
import { createMetrics } from '../../server/lib/metrics'
import { trapToolStrayErrors } from '../../server/lib/tools/stray-errors'

/** Installs the trap; pushes onto `stops` what undoes it (run them in reverse order). */
export function trapStrayErrors(stops: Array<() => void>) {
  const unnamed: unknown[] = []
  const real = process.emit
  process.emit = function (this: NodeJS.Process, name: string | symbol, ...args: unknown[]) {
    if (name === 'uncaughtException' || name === 'unhandledRejection') {
      unnamed.push(args[0])
      return true
    }
    return (real as (...all: unknown[]) => boolean).call(this, name, ...args)
  } as typeof process.emit
  stops.push(() => {
    process.emit = real
  })
  const logged: Array<{ message: string, fields?: Record<string, unknown> }> = []
  const logger: Logger = { info() {}, warn() {}, error: (message, fields) => logged.push({ message, fields }) }
  stops.push(trapToolStrayErrors({ logger, metrics: createMetrics() }))
  return { unnamed, logged }
}
