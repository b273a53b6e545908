/**
 * `export default defineTols({ … })` in a tool file: nothing defines the name, and the first word
 * of it was the server's `defineTols is not defined` when it loaded the file (under `nuxt dev`, on
 * every request). The build now warns, naming the file and the helper it meant. A helper of the
 * app's own that it imports or declares is not a typo.
 */
import { describe, expect, it } from 'vitest'
import { definitionCallTypo } from '../../lib/definition-call-typos'

const body = '({ name: \'x\', description: \'x\', parameters: z.object({}), execute: () => 1 })'

describe('a misspelt define helper in a definition file', () => {
  it('is named with the helper it meant', () => {
    expect(definitionCallTypo(`import { z } from 'zod'\nexport default defineTols${body}\n`, 'server/tools/weather.ts'))
      .toBe('server/tools/weather.ts default-exports defineTols(…), which nothing defines: did you mean defineTool (auto-imported in server files)? The server would fail to load the file ("defineTols is not defined")')
    expect(definitionCallTypo('export default defineWorkFlow({})', 'server/workflows/review.ts')).toContain('did you mean defineWorkflow')
    expect(definitionCallTypo('export default DefineTool({})', 'server/tools/a.ts')).toContain('did you mean defineTool')
  })

  it('is not reported when spelt right, or when the file imports or declares the name', () => {
    expect(definitionCallTypo(`export default defineTool${body}`, 'a.ts')).toBeUndefined()
    expect(definitionCallTypo(`export default defineWorkflow({})`, 'a.ts')).toBeUndefined()
    expect(definitionCallTypo(`import { defineTools } from '../lib/tools'\nexport default defineTools({})`, 'a.ts')).toBeUndefined()
    expect(definitionCallTypo(`function defineTol(x) { return x }\nexport default defineTol({})`, 'a.ts')).toBeUndefined()
    expect(definitionCallTypo('export default makeWeatherTool({})', 'a.ts')).toBeUndefined()
    expect(definitionCallTypo('export default { name: \'x\' }', 'a.ts')).toBeUndefined()
  })
})
