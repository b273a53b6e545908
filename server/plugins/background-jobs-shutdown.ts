/**
 * Graceful shutdown that viewers can see. Nitro's node server, on SIGTERM/SIGINT, first waits
 * (up to NITRO_SHUTDOWN_TIMEOUT, 30 s) for every open connection to end, and only then fires the
 * `close` hook. An SSE viewer never ends by itself, so without this it would be cut off after the
 * wait with no `job-end`. Here the engine is disposed as soon as the signal arrives: running jobs
 * end `failed` with code `shutdown` (partial content kept), viewers get that `job-end` and their
 * streams close, so Nitro's wait finishes at once. The `close` hook's dispose then settles with this one.
 *
 * node-cluster (server/lib/cluster-check.ts): its primary runs no engine and Nitro's primary only
 * waits for its workers, so a signal sent to the primary alone (`docker stop`, `kill <pid>`) is
 * passed on to every worker, which shuts down (and hands its jobs off) as above. A worker may so
 * get the signal twice (also from a signal sent to the whole process group): it keeps listening,
 * so the second one does not kill it mid-shutdown. So does the primary (a second signal is passed
 * on too): were it killed, its workers would exit at once.
 *
 * Presets where Nitro traps no signal (bun, deno-server, node-listener): the layer's listener stays
 * until the dispose is done (a second signal meanwhile is ignored, as Nitro's node server does),
 * then the process ends with the signal, as it would have without the layer.
 */
import cluster from 'node:cluster'
import { preset } from '#background-jobs/preset'
import { defineNitroPlugin } from 'nitropack/runtime'
import { isClusterPrimary } from '../lib/cluster-check'
import { stopEngineStart, useBackgroundJobsEngine } from '../lib/engine-instance'
import { ProviderUnavailableError, ShuttingDownError } from '../lib/errors'
import { routeLogger } from '../lib/http/route-logger'
import { isPrerendering } from '../lib/prerender'

export default defineNitroPlugin((nitroApp) => {
  // Nitro traps no signals when its graceful shutdown is disabled, nor in dev: leave them alone.
  if (import.meta.dev || process.env.NITRO_SHUTDOWN_DISABLED) return
  // The prerenderer runs in the build's process and has no engine (prerender.ts): its signals are the build's.
  if (isPrerendering()) return
  const signals = (process.env.NITRO_SHUTDOWN_SIGNALS || 'SIGTERM SIGINT').split(' ').map(signal => signal.trim()).filter(Boolean)
  if (isClusterPrimary(preset, cluster.isWorker)) {
    // Kept listening: Nitro's primary listens once, so a second signal (Ctrl-C twice) would end the
    // primary at once, and a worker whose primary is gone exits at once, in the middle of its shutdown.
    for (const signal of signals) {
      process.on(signal, () => {
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal as NodeJS.Signals)
      })
    }
    return
  }
  let disposing: Promise<void> | null = null
  // Nitro exits once its `close` hooks have settled: wait for this dispose (final flushes) before exit.
  nitroApp.hooks.hook('close', () => disposing ?? undefined)
  for (const signal of signals) {
    const onSignal = () => {
      if (disposing) return
      // A start that has not succeeded is stopped, not waited for (a store slow to answer at boot
      // would hold the shutdown), nor tried again: no engine starts on this dying process. An
      // engine that never started has nothing to dispose (a failed start was logged then).
      stopEngineStart()
      disposing = useBackgroundJobsEngine()
        .then(engine => engine.dispose(), (error: unknown) => {
          if (!(error instanceof ProviderUnavailableError) && !(error instanceof ShuttingDownError)) throw error
        })
        .catch(error => routeLogger.error('dispose on shutdown failed', { error }))
      void disposing.finally(() => {
        if (cluster.isWorker) return
        process.removeListener(signal, onSignal)
        // No one else handles this signal (a preset without graceful shutdown): exit as Node would.
        if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
      })
    }
    // Listening until the dispose is done: where Nitro has no handler (bun, deno-server,
    // node-listener) a second signal would otherwise end the process in the middle of it.
    process.on(signal, onSignal)
  }
})
