/**
 * The e2e global setup and `buildAppCopy` copy a built `.output` so that their servers run on their
 * own while another test file (config-env.test.ts) or another run rebuilds the fixture. Nitro links
 * a package its output holds in two versions (`server/node_modules/entities -> .nitro/entities@8.1.0`,
 * relative); `cpSync` made those links absolute, back into the build folder. A browser file's server
 * then answered its first page 500 (`Cannot find module 'entities/decode'`) while the fixture was
 * rebuilt, and its warm-up failed with "The page did not hydrate within 120000 ms".
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { copyBuildOutput } from '../support/server-process'

const folders: string[] = []
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

/** A `.output` laid out as Nitro writes one: a package in two versions under `.nitro`, linked relatively. */
function nitroOutput(): string {
  const output = join(mkdtempSync(join(tmpdir(), 'bgjobs-output-')), '.output')
  folders.push(join(output, '..'))
  const modules = join(output, 'server/node_modules')
  for (const version of ['7.0.1', '8.1.0']) {
    mkdirSync(join(modules, `.nitro/entities@${version}`), { recursive: true })
    writeFileSync(join(modules, `.nitro/entities@${version}/decode.js`), `export const version = '${version}'\n`)
  }
  symlinkSync('.nitro/entities@8.1.0', join(modules, 'entities'))
  mkdirSync(join(modules, '@vue/compiler-core/node_modules'), { recursive: true })
  symlinkSync('../../../.nitro/entities@7.0.1', join(modules, '@vue/compiler-core/node_modules/entities'))
  writeFileSync(join(output, 'server/index.mjs'), 'export {}\n')
  return output
}

it('a copied build still has its linked packages once the build folder is removed (a rebuild cleans it)', () => {
  const output = nitroOutput()
  const copy = mkdtempSync(join(tmpdir(), 'bgjobs-copy-'))
  folders.push(copy)
  copyBuildOutput(output, copy)
  rmSync(output, { recursive: true, force: true })

  const modules = join(copy, 'server/node_modules')
  expect(readFileSync(join(modules, 'entities/decode.js'), 'utf8')).toContain('8.1.0')
  expect(readFileSync(join(modules, '@vue/compiler-core/node_modules/entities/decode.js'), 'utf8')).toContain('7.0.1')
})
