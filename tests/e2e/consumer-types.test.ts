/**
 * An app that installs the layer as a package and extends it by name (tests/fixtures/consumer-types,
 * written from the README and docs/) passes `nuxt typecheck`: the layer's own config file, its
 * `nodeTsConfig`, `defineWorkflow`'s state functions, the composables, hooks and client types all
 * type-check inside the app's projects, and the app's own `lib/` is not pulled into the node project.
 */
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT } from '../support/server-process'

const APP_DIR = join(ROOT, 'tests/fixtures/consumer-types')
const PACKAGE_LINK = join(APP_DIR, 'node_modules/nuxt-background-jobs')
const TYPECHECK_TIMEOUT_MS = 180_000

let linked = false

beforeAll(() => {
  // What `npm install nuxt-background-jobs` gives the app: the package under its own name.
  if (!existsSync(PACKAGE_LINK)) {
    mkdirSync(join(APP_DIR, 'node_modules'), { recursive: true })
    symlinkSync(ROOT, PACKAGE_LINK, 'dir')
    linked = true
  }
})

afterAll(() => {
  if (linked) rmSync(join(APP_DIR, 'node_modules'), { recursive: true, force: true })
})

describe('an app that extends the installed layer', () => {
  it('passes nuxt typecheck', async () => {
    let output = ''
    try {
      const result = await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/.bin/nuxi'), 'typecheck', APP_DIR], {
        cwd: ROOT,
        env: { ...process.env, NUXT_TELEMETRY_DISABLED: '1' },
        timeout: TYPECHECK_TIMEOUT_MS,
        maxBuffer: 16 * 1024 * 1024,
      })
      output = result.stdout + result.stderr
    }
    catch (error) {
      const failed = error as { stdout?: string, stderr?: string, message: string }
      output = `${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`
    }
    const errors = output.split('\n').filter(line => /error TS\d+/.test(line))
    expect(errors).toEqual([])
    expect(output).not.toMatch(/ERROR|Command failed/)
  }, TYPECHECK_TIMEOUT_MS + 10_000)
})
