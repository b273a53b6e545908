/**
 * The e2e global setup builds the fixture app (tests/fixtures/basic) once per run and gives its
 * copy to every file (`inject('appEntry')`, tests/support/app-server.ts). A file that builds the
 * fixture again spends a whole Nuxt build of the run's two cores, and rebuilds the folder the other
 * files' servers were copied from while they run: config-env.test.ts did, and while its build had
 * cleaned `.output` a browser file's first page answered 500 (its copy linked packages back there,
 * fixed in copyBuildOutput). Other apps (demo, adopt, node-cluster) are built by their own files.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { ROOT } from '../support/server-process'

/** A call that builds the fixture app: `buildFixture(…)`, or `buildApp…(FIXTURE_DIR)` / its path. */
const BUILDS_FIXTURE = /buildFixture\(|buildApp(?:Copy)?\(\s*(?:FIXTURE_DIR|[^)]*tests\/fixtures\/basic)/

it('no e2e or browser file builds the fixture app again', () => {
  const builders = ['tests/e2e', 'tests/browser'].flatMap(folder => readdirSync(join(ROOT, folder))
    .filter(name => name.endsWith('.test.ts'))
    .map(name => `${folder}/${name}`)
    .filter(file => BUILDS_FIXTURE.test(readFileSync(join(ROOT, file), 'utf8'))))
  expect(builders).toEqual([])
})
