/**
 * Builds the fixture app once per test run, then copies the built server to a folder of this
 * run, so e2e and browser files (and concurrent runs on a developer's machine) never see a
 * build being replaced under them. Builds are serialised with the fixture's build lock. Also runs
 * the broker of the browser tests' shared app servers and Chromium (one per worker slot, started
 * when a browser file first asks: tests/browser/support/shared-demo-pool.ts), and stops them all
 * when the run ends.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { createSharedDemoPool, demoStarters, startSharedDemoBroker } from '../browser/support/shared-demo-pool'
import { buildFixture, copyBuildOutput, FIXTURE_DIR, withBuildLock } from './server-process'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server entry of this run's copy of the built fixture app. */
    appEntry: string
    /** The URL of the broker of the browser tests' shared demos (shared-demo-client.ts). */
    sharedDemoBroker: string
  }
}

export default async function setup(project: TestProject) {
  const runDir = mkdtempSync(join(tmpdir(), 'bgjobs-app-'))
  const copy = (outputDir: string) => copyBuildOutput(outputDir, runDir)
  const output = join(FIXTURE_DIR, '.output')
  if (process.env.BACKGROUND_JOBS_SKIP_BUILD === '1' && existsSync(join(output, 'server/index.mjs'))) withBuildLock(() => copy(output))
  else buildFixture(copy)
  const appEntry = join(runDir, 'server/index.mjs')
  project.provide('appEntry', appEntry)
  const broker = await startSharedDemoBroker(createSharedDemoPool(demoStarters(appEntry)))
  project.provide('sharedDemoBroker', broker.url)
  return async () => {
    // The shared servers run from the run's copy of the build: they go first.
    await broker.close()
    rmSync(runDir, { recursive: true, force: true })
  }
}
