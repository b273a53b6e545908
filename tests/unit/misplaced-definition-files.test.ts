/**
 * A tool or workflow file where the layer does not read it. A developer's `server/tool/weather.ts`
 * (singular), `server/utils/tools/…`, a root `tools/` folder, or a tool in a subfolder of
 * `server/tools/` (which holds helpers) built and booted without a word: the catalog was empty and
 * a chat naming the tool was a 400 "not a registered tool". The build now warns, naming the file
 * and where it belongs. Only a file that default-exports `defineTool(` / `defineWorkflow(` is named:
 * helpers and other code in those folders are not.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { misplacedDefinitionWarnings } from '../../lib/misplaced-definitions'

const TOOL = 'import { z } from \'zod\'\nexport default defineTool({ name: \'x\', description: \'x\', parameters: z.object({}), execute: () => 1 })\n'
const WORKFLOW = 'export default defineWorkflow({ name: \'w\' })\n'
const HELPER = 'export function wait(ms: number) { return new Promise(resolve => setTimeout(resolve, ms)) }\n'

let root = ''

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'misplaced-'))
})
afterEach(() => {
  rmSync(root, { recursive: true, force: true })
})

function write(path: string, text: string) {
  mkdirSync(join(root, path, '..'), { recursive: true })
  writeFileSync(join(root, path), text)
}

function warnings() {
  return misplacedDefinitionWarnings([{ rootDir: root, serverDir: join(root, 'server') }], root)
}

describe('tool and workflow files the layer does not read', () => {
  it('in a near-miss folder: named, with the folder they belong in', () => {
    write('server/tool/weather.ts', TOOL)
    write('server/workflow/review.ts', WORKFLOW)
    write('server/utils/tools/clock.ts', TOOL)
    write('tools/search.ts', TOOL)
    write('workflows/report.mjs', WORKFLOW)
    expect(warnings()).toEqual([
      'server/tool/weather.ts default-exports defineTool, but tool files are read from server/tools/ only: move it there, or it is never registered',
      'server/utils/tools/clock.ts default-exports defineTool, but tool files are read from server/tools/ only: move it there, or it is never registered',
      'tools/search.ts default-exports defineTool, but tool files are read from server/tools/ only: move it there, or it is never registered',
      'server/workflow/review.ts default-exports defineWorkflow, but workflow files are read from server/workflows/ only: move it there, or it is never registered',
      'workflows/report.mjs default-exports defineWorkflow, but workflow files are read from server/workflows/ only: move it there, or it is never registered',
    ])
  })

  it('in a subfolder of server/tools or server/workflows: named, as only the folder\'s own files are read', () => {
    write('server/tools/weather/index.ts', TOOL)
    write('server/workflows/review/flow.ts', WORKFLOW)
    expect(warnings()).toEqual([
      'server/tools/weather/index.ts default-exports defineTool, but only the files directly in server/tools/ are read (its subfolders hold helpers): move it to server/tools/, or it is never registered',
      'server/workflows/review/flow.ts default-exports defineWorkflow, but only the files directly in server/workflows/ are read (its subfolders hold helpers): move it to server/workflows/, or it is never registered',
    ])
  })

  it('says nothing of files in their place, helpers, or folders that do not exist', () => {
    expect(warnings()).toEqual([])
    write('server/tools/weather.ts', TOOL)
    write('server/workflows/review.ts', WORKFLOW)
    write('server/tools/lib/wait.ts', HELPER)
    write('server/utils/tools/format.ts', HELPER)
    write('tools/build.mjs', 'console.log(1)\n')
    write('server/tool/types.d.ts', 'export default defineTool(\n')
    expect(warnings()).toEqual([])
  })
})
