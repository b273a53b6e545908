/**
 * Builds the fixture app once per test run, then copies the built server to a folder of this
 * run, so e2e and browser files (and concurrent runs on a developer's machine) never see a
 * build being replaced under them. Builds are serialised with a lock directory.
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server entry of this run's copy of the built fixture app. */
    appEntry: string
  }
}

const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/basic', import.meta.url))
const LOCK_DIR = join(FIXTURE_DIR, '.build-lock')
const LOCK_STALE_MS = 5 * 60_000

function acquireLock() {
  const deadline = Date.now() + LOCK_STALE_MS
  for (;;) {
    try {
      mkdirSync(LOCK_DIR)
      return
    }
    catch {
      if (Date.now() > deadline) {
        rmSync(LOCK_DIR, { recursive: true, force: true })
        continue
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
}

export default function setup(project: TestProject) {
  const runDir = mkdtempSync(join(tmpdir(), 'bgjobs-app-'))
  acquireLock()
  try {
    const reuse = process.env.BACKGROUND_JOBS_SKIP_BUILD === '1' && existsSync(join(FIXTURE_DIR, '.output/server/index.mjs'))
    if (!reuse) {
      const nuxi = fileURLToPath(new URL('../../node_modules/.bin/nuxi', import.meta.url))
      execFileSync(process.execPath, [nuxi, 'build', FIXTURE_DIR], {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, NUXT_TELEMETRY_DISABLED: '1' },
      })
    }
    cpSync(join(FIXTURE_DIR, '.output'), runDir, { recursive: true })
  }
  finally {
    rmSync(LOCK_DIR, { recursive: true, force: true })
  }
  project.provide('appEntry', join(runDir, 'server/index.mjs'))
  return () => rmSync(runDir, { recursive: true, force: true })
}
