/**
 * Work a call leaves running in its isolation worker after it answered: a timer or an immediate
 * its `execute` started, a promise chain that keeps going. Left alone it would run during the next
 * call in that worker — often another job's — and a leftover that spins would make that call time
 * out for it. So a worker is handed back for another call only once the call's leftovers are done:
 * one turn of the event loop (ticks and promise chains run first), then the one-shot timers and
 * immediates the call created, ref'd and pending, are waited for up to `LEFTOVER_WAIT_MS`. If they
 * are still pending then, the worker is replaced instead (tool-pool.ts); if the wait never ends (a
 * leftover spins), the server replaces it too. Intervals and unref'd timers do not hold a worker:
 * they are how code keeps a cache fresh or a connection alive, and they run on as before (while
 * the worker runs calls: an idle tinypool worker blocks until its next call comes); while
 * one runs its callback, the gate of the call running then says whose it is (`watchLeftovers`), so
 * a call that times out because one blocked the thread names the tool that left it.
 */
import { createHook } from 'node:async_hooks'
import { isMainThread } from 'node:worker_threads'
import type { CallScope } from './call-scope'
import { currentCallScope } from './call-scope'
import { LEFTOVER_RUNNING_SLOT } from './protocol'

/** How long a worker waits for the timers a call left pending before it gives up and is replaced. */
export const LEFTOVER_WAIT_MS = 100

/** What Node's Timeout and Immediate objects show (`_destroyed`: fired or cleared; `_repeat`: an interval). */
interface TimerResource {
  hasRef(): boolean
  _destroyed?: boolean
  _repeat?: unknown
}

/** The timers and immediates each call created from its `execute` on (not its file's top-level code), with their async ids. */
const created = new WeakMap<CallScope, Map<TimerResource, number>>()
/**
 * Intervals and unref'd timers calls left running in this worker (they do not hold it), by async
 * id, with the tool (and its file index) whose call created them: should the worker die over its
 * heap cap during a later call, they may be what allocated (`backgroundTools`); while one runs its
 * callback, the call running then is told so (`watchLeftovers`).
 */
const background = new Map<number, { timer: TimerResource, tool: string, file: number }>()
/** The gate of the call running now, where a leftover's callback is marked while it runs. */
let watched: Int32Array | undefined
let installed = false

/** Starts noting the timers `scope`'s code creates (installs the hook once; never in the server's thread). */
export function collectLeftovers(scope: CallScope): void {
  if (isMainThread) return
  if (!installed) {
    installed = true
    // Promises are not tracked: no promise hook, so no cost for promise-heavy tools.
    createHook({
      init(id, type, _trigger, resource) {
        if (type !== 'Timeout' && type !== 'Immediate') return
        const owner = currentCallScope()
        if (owner) created.get(owner)?.set(resource as TimerResource, id)
      },
      // A leftover that blocks the thread never gets to `after`: the mark stays for the server to read.
      before(id) {
        const leftover = background.get(id)
        if (leftover && watched) Atomics.store(watched, LEFTOVER_RUNNING_SLOT, leftover.file + 1)
      },
      after(id) {
        if (watched && background.has(id)) Atomics.store(watched, LEFTOVER_RUNNING_SLOT, 0)
      },
      trackPromises: false,
    } as Parameters<typeof createHook>[0]).enable()
  }
  created.set(scope, new Map())
}

/**
 * Marks in `gate` (a call's, `LEFTOVER_RUNNING_SLOT`) while a timer an earlier call left running
 * runs its callback, until the next call's gate replaces it (undefined: none).
 */
export function watchLeftovers(gate: Int32Array | undefined): void {
  watched = gate && gate.length > LEFTOVER_RUNNING_SLOT ? gate : undefined
}

/** True while a one-shot timer or immediate of the call is pending and keeps the event loop alive. */
function hasPending(timers: Map<TimerResource, number>): boolean {
  for (const timer of timers.keys()) {
    if (timer._destroyed) timers.delete(timer)
    else if (timer._repeat == null && timer.hasRef()) return true
  }
  return false
}

/** The tools whose calls left intervals or unref'd timers running in this worker (each once). */
export function backgroundTools(): string[] {
  for (const [id, { timer }] of background) {
    if (timer._destroyed) background.delete(id)
  }
  return [...new Set([...background.values()].map(({ tool }) => tool))]
}

/**
 * Resolves true once the call's leftovers are done, false when some are still pending after
 * `LEFTOVER_WAIT_MS` (the worker must then be replaced). Never resolves while a leftover blocks
 * the thread. Call it after the call answered (its scope ended).
 */
export async function settleLeftovers(scope: CallScope, file: number): Promise<boolean> {
  const timers = created.get(scope) ?? new Map<TimerResource, number>()
  const giveUpAt = performance.now() + LEFTOVER_WAIT_MS
  try {
    for (;;) {
      await new Promise(resolve => setImmediate(resolve))
      if (!hasPending(timers)) {
        for (const [timer, id] of timers) {
          if (!timer._destroyed) background.set(id, { timer, tool: scope.tool, file })
        }
        return true
      }
      if (performance.now() >= giveUpAt) return false
      await new Promise(resolve => setTimeout(resolve, 1))
    }
  }
  finally {
    created.delete(scope)
  }
}
