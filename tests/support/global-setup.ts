/**
 * Builds the fixture app once per test run, then copies the built server to a folder of this
 * run, so e2e and browser files (and concurrent runs on a developer's machine) never see a
 * build being replaced under them. Builds are serialised with the fixture's build lock.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { buildFixture, copyBuildOutput, FIXTURE_DIR, withBuildLock } from './server-process'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server entry of this run's copy of the built fixture app. */
    appEntry: string
  }
}

export default function setup(project: TestProject) {
  const runDir = mkdtempSync(join(tmpdir(), 'bgjobs-app-'))
  const copy = (outputDir: string) => copyBuildOutput(outputDir, runDir)
  const output = join(FIXTURE_DIR, '.output')
  if (process.env.BACKGROUND_JOBS_SKIP_BUILD === '1' && existsSync(join(output, 'server/index.mjs'))) withBuildLock(() => copy(output))
  else buildFixture(copy)
  project.provide('appEntry', join(runDir, 'server/index.mjs'))
  return () => rmSync(runDir, { recursive: true, force: true })
}
