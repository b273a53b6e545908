/**
 * The layer's module adds the DevTools tab, its dev-only routes and its plugin under `nuxt dev`,
 * and nothing of it to a production build (tests/e2e/security.test.ts checks the built app too).
 * Loads the fixture app's Nuxt (modules run; nothing is built or served).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadNuxt } from 'nuxt/kit'
import { FIXTURE_DIR } from '../support/server-process'

const buildDir = mkdtempSync(join(tmpdir(), 'bgjobs-devtools-'))
afterAll(() => rmSync(buildDir, { recursive: true, force: true }))

interface Tab { name: string, title: string, icon?: string, view: { type: string, src?: string } }
/** The parts of the loaded options this test reads (typed by Nitro's augmentation, absent here). */
interface ServerOptions { serverHandlers: Array<{ route?: string }>, nitro: { plugins?: string[] } }

async function loadFixture(dev: boolean) {
  const nuxt = await loadNuxt({ cwd: FIXTURE_DIR, dev, ready: true, overrides: { buildDir, telemetry: false } })
  try {
    const tabs: Tab[] = []
    await (nuxt.callHook as (name: string, ...args: unknown[]) => Promise<void>)('devtools:customTabs', tabs)
    const options = nuxt.options as unknown as ServerOptions
    const routes = options.serverHandlers.map(handler => handler.route ?? '')
    const plugins = (options.nitro.plugins ?? []).map(String)
    return { tabs, routes, plugins }
  }
  finally {
    await nuxt.close()
  }
}

describe('the DevTools tab', () => {
  it('nuxt dev: a tab with the page under /__background-jobs/devtools (with a token), its routes and plugin', async () => {
    const { tabs, routes, plugins } = await loadFixture(true)
    const tab = tabs.find(candidate => candidate.name === 'background-jobs')
    expect(tab).toMatchObject({ title: 'Background jobs', icon: '/__background-jobs/devtools/icon.svg', view: { type: 'iframe' } })
    expect(tab!.view.src).toMatch(/^\/__background-jobs\/devtools#token=[\w-]{32}$/)
    expect(routes).toEqual(expect.arrayContaining(['/__background-jobs/devtools', '/__background-jobs/devtools/**']))
    expect(plugins.some(plugin => plugin.includes('recent-jobs-plugin'))).toBe(true)
  })

  it('production: no tab, no route, no plugin', async () => {
    const { tabs, routes, plugins } = await loadFixture(false)
    expect(tabs).toEqual([])
    expect(routes.filter(route => route.includes('background-jobs'))).toEqual([])
    expect(plugins.filter(plugin => plugin.includes('devtools') || plugin.includes('recent-jobs'))).toEqual([])
  })
})
