/**
 * Presets where Nitro installs no signal handler (bun, deno-server, node-listener): the layer's
 * own listener disposes the engine on SIGTERM/SIGINT and then ends the process with the signal, as
 * Node would have. It listened with `process.once`, so during the dispose the process had no
 * listener left: a second signal (Ctrl-C pressed twice, a supervisor repeating its SIGTERM) hit
 * Node's default action and ended the process mid-dispose — running chats not ended `shutdown`,
 * viewers cut without `job-end`, waiting workflows not handed off. As node-server does (Nitro's
 * handler keeps listening), a signal during the dispose is now ignored; once it is done the
 * process ends with the first signal as before.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest'
import type { BackgroundJobsEngine } from '../../server/lib/engine'
import { setBackgroundJobsEngine } from '../../server/lib/engine-instance'

vi.mock('#background-jobs/preset', () => ({ preset: 'bun' }))
vi.mock('nitropack/runtime', () => ({ defineNitroPlugin: (plugin: unknown) => plugin }))

// A signal of its own, so the test process never gets a real one.
const SIGNAL = 'SIGUSR2'

beforeEach(() => {
  vi.stubEnv('NITRO_SHUTDOWN_SIGNALS', SIGNAL)
})
afterEach(() => {
  process.removeAllListeners(SIGNAL)
  vi.unstubAllEnvs()
  vi.restoreAllMocks()
  setBackgroundJobsEngine(null)
})

it('a second signal during the dispose finds a listener; the process ends with the signal once the dispose is done', async () => {
  let endDispose = () => {}
  const dispose = vi.fn(() => new Promise<void>((resolve) => {
    endDispose = resolve
  }))
  setBackgroundJobsEngine({ get: async () => ({ dispose }) as unknown as BackgroundJobsEngine })
  // Stands in for the re-sent signal: the test process must not get it.
  const kill = vi.spyOn(process, 'kill').mockImplementation(() => true)
  const { default: shutdownPlugin } = await import('../../server/plugins/background-jobs-shutdown')
  ;(shutdownPlugin as unknown as (app: unknown) => void)({ hooks: { hook: () => {} } })

  process.emit(SIGNAL as NodeJS.Signals)
  await vi.waitFor(() => expect(dispose).toHaveBeenCalledTimes(1))
  // With no listener, Node would end the process at this second signal (its default action).
  const listenersDuringDispose = process.listenerCount(SIGNAL)
  if (listenersDuringDispose > 0) process.emit(SIGNAL as NodeJS.Signals)
  const killsDuringDispose = kill.mock.calls.length

  endDispose()
  await vi.waitFor(() => expect(kill).toHaveBeenCalled())
  expect({
    listenersDuringDispose: listenersDuringDispose > 0,
    killsDuringDispose,
    disposes: dispose.mock.calls.length,
    kills: kill.mock.calls,
    listenersAfter: process.listenerCount(SIGNAL),
  }).toEqual({ listenersDuringDispose: true, killsDuringDispose: 0, disposes: 1, kills: [[process.pid, SIGNAL]], listenersAfter: 0 })
})
