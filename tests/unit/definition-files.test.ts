/**
 * Under `nuxt dev`, a tool or workflow file added, deleted or renamed reloads the server build
 * (Nitro itself only rebuilds for files the bundle already imports, so a new tool file stayed
 * unknown until a restart). tests/e2e/dev-isolation.test.ts adds a tool to a running dev server.
 */
import { join } from 'node:path'
import type { Nuxt } from '@nuxt/schema'
import type { Nitro } from 'nitropack/types'
import { describe, expect, it } from 'vitest'
import { changesDefinitionListing, isDefinitionFileName, reloadOnDefinitionChanges } from '../../lib/definition-files'

const TOOLS = '/app/server/tools'
const WORKFLOWS = '/layer/server/workflows'
const DIRS = [TOOLS, WORKFLOWS]

describe('which files are definitions', () => {
  it('ts, js and mjs files; not declarations, dotfiles or other extensions', () => {
    expect(['get-weather.ts', 'a.js', 'b.mjs'].every(isDefinitionFileName)).toBe(true)
    expect(['types.d.ts', '.get-weather.ts.swp', '.hidden.ts', 'notes.md', 'get-weather.ts~'].some(isDefinitionFileName)).toBe(false)
  })
})

describe('which watcher events change the listing', () => {
  it('a definition file added or deleted (a rename is both) in a tools or workflows folder', () => {
    expect(changesDefinitionListing('add', join(TOOLS, 'get-weather.ts'), DIRS)).toBe(true)
    expect(changesDefinitionListing('unlink', join(WORKFLOWS, 'report.ts'), DIRS)).toBe(true)
    expect(changesDefinitionListing('addDir', TOOLS, DIRS)).toBe(true)
    expect(changesDefinitionListing('unlinkDir', WORKFLOWS, DIRS)).toBe(true)
  })

  it('not an edit (Nitro rebuilds for it), another folder, a subfolder or a file that is no definition', () => {
    expect(changesDefinitionListing('change', join(TOOLS, 'get-weather.ts'), DIRS)).toBe(false)
    expect(changesDefinitionListing('add', '/app/server/api/hello.ts', DIRS)).toBe(false)
    expect(changesDefinitionListing('add', join(TOOLS, 'helpers/format.ts'), DIRS)).toBe(false)
    expect(changesDefinitionListing('add', join(TOOLS, '.get-weather.ts.swp'), DIRS)).toBe(false)
    expect(changesDefinitionListing('addDir', join(TOOLS, 'helpers'), DIRS)).toBe(false)
  })
})

describe('reloadOnDefinitionChanges', () => {
  function setup() {
    const watchers: Array<(event: string, path: string) => unknown> = []
    let reloads = 0
    const nuxt = { hook: (name: string, watcher: (event: string, path: string) => unknown) => void (name === 'builder:watch' && watchers.push(watcher)), options: { srcDir: '/app/app' } } as unknown as Nuxt
    const nitro = { hooks: { callHook: async (name: string) => void (name === 'rollup:reload' && reloads++) } } as unknown as Nitro
    reloadOnDefinitionChanges(nuxt, nitro, DIRS)
    return { watch: async (event: string, path: string) => { for (const watcher of watchers) await watcher(event, path) }, reloads: () => reloads }
  }

  it('a new tool file, a deleted workflow file: the server build reloads each time', async () => {
    const { watch, reloads } = setup()
    await watch('add', join(TOOLS, 'get-weather.ts'))
    expect(reloads()).toBe(1)
    await watch('unlink', join(WORKFLOWS, 'report.ts'))
    expect(reloads()).toBe(2)
  })

  it('a path relative to srcDir is read from there', async () => {
    const { watch, reloads } = setup()
    await watch('add', '../server/tools/get-weather.ts')
    expect(reloads()).toBe(1)
  })

  it('an edit or an unrelated file: no reload from the layer', async () => {
    const { watch, reloads } = setup()
    await watch('change', join(TOOLS, 'get-weather.ts'))
    await watch('add', '/app/app/pages/index.vue')
    expect(reloads()).toBe(0)
  })
})
