/**
 * A `background-jobs:feature-flags` hook that sets a flag to something other than a boolean (`0`
 * from a database column) does so on every request until the app is fixed, and each request
 * logged the same `… not true or false …` line: a line per request, burying everything else, where
 * the hooks' other faults are logged once per outage. Now each flag's value is logged once; a new
 * kind of value (or another flag) gets its own line (feature-flags-value-log-bound.test.ts: not
 * each new value). The flag is still off on every request.
 */
import type { H3Event } from 'h3'
import { describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { resolveFeatureFlags } from '../../server/lib/http/resolve-flags'
import { useConsoleLines } from '../support/console-lines'

const hook = vi.hoisted(() => ({ flags: {} as Record<string, unknown> }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({ hooks: { callHook: async (_name: string, context: { flags: Record<string, unknown> }) => Object.assign(context.flags, hook.flags) } }),
}))

const { lines } = useConsoleLines()

const fakeEvent = () => ({ context: {} }) as unknown as H3Event

describe('a feature-flags hook that sets a flag to a non-boolean on every request', () => {
  it('is logged once per flag and value; the flag is off on every request', async () => {
    hook.flags = { tools: 0 }
    for (let request = 0; request < 50; request++) {
      expect(await resolveFeatureFlags(fakeEvent(), `user-${request}`, DEFAULT_CONFIG)).toMatchObject({ enabled: true, tools: false })
    }
    hook.flags = { tools: 'false', workflows: 0 }
    for (let request = 0; request < 50; request++) {
      expect(await resolveFeatureFlags(fakeEvent(), `user-${request}`, DEFAULT_CONFIG)).toMatchObject({ tools: false, workflows: false })
    }
    const valueLines = lines().filter(line => /not true or false/.test(line.message)).map(line => line.message)
    expect(valueLines).toEqual([
      expect.stringContaining('set flags.tools to the number 0'),
      expect.stringContaining('set flags.tools to the string "false"'),
      expect.stringContaining('set flags.workflows to the number 0'),
    ])
  })
})
