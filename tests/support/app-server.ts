/**
 * Starts this test run's build of the fixture app as a real Node process on a random
 * 127.0.0.1 port, with the environment a test needs (runtimeConfig is read from
 * NUXT_BACKGROUND_JOBS_* at run time).
 */
import { inject } from 'vitest'
import type { ServerProcess } from './server-process'
import { startServerProcess } from './server-process'

/** A running app. */
export type AppServer = ServerProcess

/** Starts the app and resolves once it answers HTTP (on `port` when given, e.g. to restart it where it was). */
export async function startAppServer(env: Record<string, string> = {}, port?: number): Promise<AppServer> {
  // The built fixture app of this test run (see global-setup.ts).
  return await startServerProcess(inject('appEntry'), env, '/api/jobs/catalog', [], port)
}
