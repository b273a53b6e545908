/**
 * node-cluster: the primary passes a shutdown signal on to its workers, which hand their jobs off
 * (background-jobs-shutdown.ts). Nitro's primary listens with `process.once`, and so did the
 * layer: after the first signal the primary had no listener left, so a second one (Ctrl-C pressed
 * twice, a supervisor that repeats its SIGTERM) killed it at once — and a cluster worker whose
 * primary is gone exits at once (Node's cluster: an unexpected disconnect), in the middle of its
 * shutdown: running chats not ended, waiting workflows not handed off. The primary now keeps
 * listening, and passes the second signal on too (the workers ignore it).
 */
import cluster from 'node:cluster'
import type { Worker } from 'node:cluster'
import { afterEach, beforeEach, expect, it, vi } from 'vitest'

vi.mock('#background-jobs/preset', () => ({ preset: 'node-cluster' }))
vi.mock('nitropack/runtime', () => ({ defineNitroPlugin: (plugin: unknown) => plugin }))

// A signal of its own, so the test process never gets a real one.
const SIGNAL = 'SIGUSR2'
const WORKER_ID = 9_001

beforeEach(() => {
  vi.stubEnv('NITRO_SHUTDOWN_SIGNALS', SIGNAL)
})
afterEach(() => {
  process.removeAllListeners(SIGNAL)
  delete (cluster.workers as Record<number, Worker | undefined>)[WORKER_ID]
  vi.unstubAllEnvs()
})

it('a second signal to the primary does not find it without a listener', async () => {
  const kill = vi.fn()
  ;(cluster.workers as Record<number, unknown>)[WORKER_ID] = { process: { kill } }
  const { default: shutdownPlugin } = await import('../../server/plugins/background-jobs-shutdown')
  ;(shutdownPlugin as unknown as (app: unknown) => void)({ hooks: { hook: () => {} } })
  // Nitro's primary (node-cluster.mjs) waits for its workers to exit, once.
  process.once(SIGNAL, () => {})

  process.emit(SIGNAL as NodeJS.Signals)
  // With no listener left, Node would end the primary at the next signal (its default action).
  const listenersAfterFirst = process.listenerCount(SIGNAL)
  if (listenersAfterFirst > 0) process.emit(SIGNAL as NodeJS.Signals)

  expect({ listenersAfterFirst: listenersAfterFirst > 0, forwarded: kill.mock.calls }).toEqual({ listenersAfterFirst: true, forwarded: [[SIGNAL], [SIGNAL]] })
})
