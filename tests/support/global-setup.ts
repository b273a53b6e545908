/**
 * Builds the fixture app once per test run (every e2e and browser file starts its own server
 * process from this one build, each with its own environment).
 */
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export const FIXTURE_DIR = fileURLToPath(new URL('../fixtures/basic', import.meta.url))

export default function setup() {
  if (process.env.BACKGROUND_JOBS_SKIP_BUILD === '1' && existsSync(`${FIXTURE_DIR}/.output/server/index.mjs`)) return
  const nuxi = fileURLToPath(new URL('../../node_modules/.bin/nuxi', import.meta.url))
  execFileSync(process.execPath, [nuxi, 'build', FIXTURE_DIR], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NUXT_TELEMETRY_DISABLED: '1' },
  })
}
