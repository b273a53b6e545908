/**
 * lib/api-prefix.ts: `nitro.apiBaseURL` moved the layer's routes (to `/backend/jobs`: its
 * composables, stream URLs and middleware kept calling `/api/jobs`, 404) and `nitro.apiDir`
 * dropped them (Nitro reads that folder of every layer); the build now stops naming the setting.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadNuxt } from 'nuxt/kit'
import { afterAll, describe, expect, it } from 'vitest'
import { apiPrefixProblem } from '../../lib/api-prefix'
import { ROOT } from '../support/server-process'

const buildDir = mkdtempSync(join(tmpdir(), 'bgjobs-api-prefix-'))
afterAll(() => rmSync(buildDir, { recursive: true, force: true }))

describe('where Nitro serves the layer\'s routes', () => {
  it('Nitro\'s defaults, unset, empty or with a trailing slash, are fine', () => {
    for (const options of [{}, { apiBaseURL: '/api', apiDir: 'api' }, { apiBaseURL: '/api/' }, { apiBaseURL: '', apiDir: '' }, { apiDir: './api' }]) {
      expect(apiPrefixProblem(options), JSON.stringify(options)).toBeNull()
    }
  })

  it('another apiBaseURL stops the build, naming the setting, where the routes would go and what to do', () => {
    const problem = apiPrefixProblem({ apiBaseURL: '/backend/' })
    expect(problem).toContain('nitro.apiBaseURL is "/backend/"')
    expect(problem).toContain('at /backend/jobs instead of /api/jobs')
    expect(problem).toContain('server/routes/')
    expect(problem).toContain('docs/decisions/041-the-routes-stay-under-api-jobs.md')
  })

  it('another apiDir stops the build: the layer\'s routes would not be served at all', () => {
    const problem = apiPrefixProblem({ apiDir: 'endpoints' })
    expect(problem).toContain('nitro.apiDir is "endpoints"')
    expect(problem).toContain('none of the layer\'s routes')
  })

  it('stops the build of an app that sets either (it built, with the routes moved or missing)', async () => {
    const load = (nitro: Record<string, unknown>) => loadNuxt({
      cwd: join(ROOT, 'tests/fixtures/adopt'),
      ready: true,
      overrides: { buildDir, telemetry: false, nitro } as Record<string, unknown>,
    })
    await expect(load({ apiBaseURL: '/backend' })).rejects.toThrow('nitro.apiBaseURL is "/backend"')
    await expect(load({ apiDir: 'endpoints' })).rejects.toThrow('nitro.apiDir is "endpoints"')
  })
})
