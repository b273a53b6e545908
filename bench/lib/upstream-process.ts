/**
 * Starts bench/lib/upstream-main.ts as a child process and drives it over its control routes.
 */
import { fileURLToPath } from 'node:url'
import { startServerProcess } from './app.ts'
import type { UpstreamPace } from './paced-upstream.ts'

/** Node flags for the benchmark's own TypeScript helpers. */
export const TS_ARGS = ['--experimental-transform-types', '--no-warnings']

/** A paced upstream in its own process. */
export async function startUpstreamProcess() {
  const server = await startServerProcess(fileURLToPath(new URL('./upstream-main.ts', import.meta.url)), {}, '/control/status', TS_ARGS)
  async function control(action: string, body?: unknown): Promise<{ waiting: number, requests: number }> {
    const response = await fetch(`${server.url}/control/${action}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) })
    return await response.json() as { waiting: number, requests: number }
  }
  return {
    url: `${server.url}/v1`,
    pid: server.pid,
    setPace: (pace: UpstreamPace) => control('pace', pace),
    open: () => control('open'),
    closeGate: () => control('close-gate'),
    finishHeld: () => control('finish-held'),
    waiting: async () => (await control('status')).waiting,
    stop: () => server.stop(),
  }
}

/** A paced upstream process. */
export type UpstreamProcess = Awaited<ReturnType<typeof startUpstreamProcess>>
