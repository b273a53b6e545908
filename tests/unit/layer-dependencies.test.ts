/**
 * A layer extended from a git source is downloaded into `node_modules/.c12/` without its own
 * dependencies: the build only warned, and the production server stopped at boot with `Cannot find
 * package '@opentelemetry/api'`. Nuxt now stops at the layer's module, naming the missing packages
 * and how to add them (lib/layer-dependencies.ts).
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadNuxt } from 'nuxt/kit'
import { afterAll, describe, expect, it } from 'vitest'
import { layerDependencies, missingLayerDependencies } from '../../lib/layer-dependencies'
import { ROOT } from '../support/server-process'

const workDir = mkdtempSync(join(tmpdir(), 'bgjobs-layer-deps-'))
afterAll(() => rmSync(workDir, { recursive: true, force: true }))

/** A package folder with a package.json. */
function writePackage(dir: string, manifest: object): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest))
}

describe('the layer\'s own dependencies', () => {
  it('are found in a node_modules of the layer\'s folder or a folder above it, as Node finds them', () => {
    const layer = join(workDir, 'found/app/node_modules/.c12/gh_owner_layer')
    writePackage(layer, { name: 'layer', dependencies: { 'near': '^1.0.0', '@scope/above': '^2.0.0', 'nowhere': '^3.0.0' } })
    writePackage(join(layer, 'node_modules/near'), { name: 'near' })
    writePackage(join(workDir, 'found/app/node_modules/@scope/above'), { name: '@scope/above' })
    expect(missingLayerDependencies(layer)).toEqual([{ name: 'nowhere', range: '^3.0.0' }])
  })

  it('are found beside the layer\'s real folder when the app links it there (pnpm), and through Node\'s resolver', () => {
    const store = join(workDir, 'pnpm/app/node_modules/.pnpm/layer@1.0.0/node_modules')
    writePackage(join(store, 'layer'), { name: 'layer', dependencies: { 'beside': '^1.0.0', 'nowhere': '^3.0.0' } })
    writePackage(join(store, 'beside'), { name: 'beside' })
    const linked = join(workDir, 'pnpm/app/node_modules/layer')
    symlinkSync(join(store, 'layer'), linked)
    expect(missingLayerDependencies(linked)).toEqual([{ name: 'nowhere', range: '^3.0.0' }])
  })

  it('are all installed for this repository (its own apps build)', () => {
    expect(layerDependencies(ROOT).length).toBeGreaterThan(0)
    expect(missingLayerDependencies(ROOT)).toEqual([])
  })

  it('an app extending a git source\'s download without them stops at the layer, naming the missing packages and the fix', async () => {
    const app = join(workDir, 'git-app')
    const layer = join(app, 'node_modules/.c12/gh_owner_nuxt-background-jobs')
    // What the download holds: the repository's files (those the package publishes suffice here).
    const published = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files
    for (const entry of ['package.json', ...published]) cpSync(join(ROOT, entry), join(layer, entry), { recursive: true })
    // The app's own install: Nuxt and what it brings, not the layer's tinypool and @opentelemetry/api.
    const left = new Set(['tinypool', '@opentelemetry'])
    for (const entry of readdirSync(join(ROOT, 'node_modules'))) {
      if (!left.has(entry)) symlinkSync(join(ROOT, 'node_modules', entry), join(app, 'node_modules', entry))
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'git-app', private: true, type: 'module' }))
    writeFileSync(join(app, 'nuxt.config.ts'), `export default defineNuxtConfig({ extends: ['./node_modules/.c12/gh_owner_nuxt-background-jobs'], compatibilityDate: '2026-11-01' })\n`)
    const loading = loadNuxt({ cwd: app, ready: true, overrides: { buildDir: join(app, '.nuxt'), telemetry: false } })
    await expect(loading).rejects.toThrow(/the layer's dependencies @opentelemetry\/api, tinypool are not installed where the layer is .*npm install "@opentelemetry\/api@\^[\d.]+" "tinypool@\^[\d.]+"/)
  })
})
