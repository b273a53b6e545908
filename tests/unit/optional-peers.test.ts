/**
 * An app without `redis` or `convex` installed builds without a warning about them (they are the
 * optional providers' packages, imported lazily); every other unresolved import still warns.
 * A real rollup build: it resolves no bare import, so each one below is "not installed".
 */
import type { Plugin, RollupLog } from 'rollup'
import { rollup } from 'rollup'
import type { RollupConfig } from 'nitropack/types'
import { describe, expect, it } from 'vitest'
import { quietOptionalPeers } from '../../lib/optional-peers'

const ENTRY = `
export const loadRedis = () => import('redis')
export const loadConvex = () => import('convex/browser')
export const loadOther = () => import('left-pad')
`
const entry: Plugin = { name: 'entry', resolveId: id => (id === 'entry' ? id : null), load: id => (id === 'entry' ? ENTRY : null) }

async function warningsOf(configure: (config: RollupConfig) => void): Promise<string[]> {
  const seen: RollupLog[] = []
  const config = { input: 'entry', plugins: [entry], onwarn: (warning: RollupLog) => seen.push(warning) } as unknown as RollupConfig
  configure(config)
  const bundle = await rollup({ input: 'entry', plugins: [entry], onwarn: config.onwarn })
  await bundle.close()
  return seen.filter(warning => warning.code === 'UNRESOLVED_IMPORT').map(warning => warning.exporter ?? '')
}

describe('optional peers in the server build', () => {
  it('drops the warnings for redis and convex/browser, and passes the others to Nitro\'s handler', async () => {
    expect((await warningsOf(() => {})).sort()).toEqual(['convex/browser', 'left-pad', 'redis'])
    expect(await warningsOf(quietOptionalPeers)).toEqual(['left-pad'])
  })

  it('falls back to rollup\'s own handler when the config has none', async () => {
    const config = {} as RollupConfig
    quietOptionalPeers(config)
    const passed: string[] = []
    const handler = (warning: unknown): void => {
      passed.push((warning as RollupLog).exporter ?? '')
    }
    config.onwarn!({ code: 'UNRESOLVED_IMPORT', exporter: 'redis', message: '' } as RollupLog, handler)
    config.onwarn!({ code: 'UNRESOLVED_IMPORT', exporter: 'left-pad', message: '' } as RollupLog, handler)
    expect(passed).toEqual(['left-pad'])
  })
})
