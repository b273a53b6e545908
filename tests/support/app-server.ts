/**
 * Starts this test run's build of the fixture app as a real Node process on a random
 * 127.0.0.1 port, with the environment a test needs (runtimeConfig is read from
 * NUXT_BACKGROUND_JOBS_* at run time).
 */
import { inject } from 'vitest'
import type { MockTurn, MockUpstream } from './mock-upstream'
import { startScenarioUpstream } from './mock-upstream'
import type { ServerProcess } from './server-process'
import { startServerProcess } from './server-process'

/** A running app. */
export type AppServer = ServerProcess

/** Starts the app and resolves once it answers HTTP (on `port` when given, e.g. to restart it where it was). */
export async function startAppServer(env: Record<string, string> = {}, port?: number): Promise<AppServer> {
  // The built fixture app of this test run (see global-setup.ts).
  return await startServerProcess(inject('appEntry'), env, '/api/jobs/catalog', [], port)
}

/** The app pointed at a mock upstream that plays named scenarios (see `startScenarioUpstream`). */
export interface ScenarioApp {
  app: AppServer
  upstream: MockUpstream
  stop: () => Promise<void>
}

/** Starts a scenario upstream and the app talking to it with an API key (so not the scripted model). */
export async function startScenarioApp(scenarios: Record<string, (attempt: number) => MockTurn>, env: Record<string, string>): Promise<ScenarioApp> {
  const upstream = await startScenarioUpstream(scenarios)
  const app = await startAppServer({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: upstream.url, NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-scenario-suite-key-0123456789', ...env }).catch(async (error: unknown) => {
    await upstream.close()
    throw error
  })
  return {
    app,
    upstream,
    stop: async () => {
      await app.stop()
      await upstream.close()
    },
  }
}
