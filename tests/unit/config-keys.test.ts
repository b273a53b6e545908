/**
 * A key under `backgroundJobs` in an app's nuxt.config that is not a setting stops the build,
 * naming it and the setting it probably meant — instead of being merged and ignored.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadNuxt } from 'nuxt/kit'
import { afterAll, describe, expect, it } from 'vitest'
import { unknownConfigKeys } from '../../server/lib/config-keys'
import { ROOT } from '../support/server-process'

const buildDir = mkdtempSync(join(tmpdir(), 'bgjobs-config-keys-'))
afterAll(() => rmSync(buildDir, { recursive: true, force: true }))

describe('unknown configuration keys', () => {
  it('names each unknown key, nested ones with their path, with the closest setting', () => {
    expect(unknownConfigKeys({
      limits: { maxConcurrentJobsPerUsr: 5, maxSteps: 4 },
      scripted: { enable: true },
      provder: 'redis',
      somethingElse: 1,
    })).toEqual([
      'backgroundJobs.limits.maxConcurrentJobsPerUsr is not a setting (did you mean limits.maxConcurrentJobsPerUser?); see docs/config.md',
      'backgroundJobs.scripted.enable is not a setting (did you mean scripted.enabled?); see docs/config.md',
      'backgroundJobs.provder is not a setting (did you mean provider?); see docs/config.md',
      'backgroundJobs.somethingElse is not a setting; see docs/config.md',
    ])
  })

  it('accepts every documented setting, and nothing at all', () => {
    expect(unknownConfigKeys({ enabled: true, upstream: { apiKey: 'x', defaultModel: 'm' }, limits: { maxSteps: 3 }, telemetry: { recordContent: true } })).toEqual([])
    expect(unknownConfigKeys(undefined)).toEqual([])
    expect(unknownConfigKeys({})).toEqual([])
  })

  it('stops the build of an app with a misspelt key, naming it', async () => {
    const loading = loadNuxt({
      cwd: join(ROOT, 'tests/fixtures/adopt'),
      ready: true,
      overrides: { buildDir, telemetry: false, backgroundJobs: { limits: { maxConcurrentJobsPerUsr: 5 } } } as Record<string, unknown>,
    })
    await expect(loading).rejects.toThrow('backgroundJobs.limits.maxConcurrentJobsPerUsr is not a setting (did you mean limits.maxConcurrentJobsPerUser?)')
  })

  it('stops the build of an app with a misspelt key under runtimeConfig.backgroundJobs too, where docs/config.md puts every setting', async () => {
    const loading = loadNuxt({
      cwd: join(ROOT, 'tests/fixtures/adopt'),
      ready: true,
      overrides: { buildDir, telemetry: false, runtimeConfig: { backgroundJobs: { limits: { maxStep: 3 } } } } as Record<string, unknown>,
    })
    // Closed if it loads after all (the assertion below then fails), so no Nuxt is left running.
    void loading.then(nuxt => nuxt.close(), () => {})
    await expect(loading).rejects.toThrow('backgroundJobs.limits.maxStep is not a setting (did you mean limits.maxSteps?)')
  })
})
