/**
 * A non-boolean flag value was logged once per flag and value, with the values remembered up to
 * 100 and then all forgotten. A hook that sets a flag to something that differs per user or per
 * request — a rollout number (`flags.tools = Math.random() * 100 < 20 ? 1 : 0` gone wrong, a
 * percentage column, a user's plan name) — logged an error line per request, for ever, past the
 * bound too. It is logged once per flag and kind of value now (the first such value shown): a
 * handful of lines however many users. The flag is still off for each of those requests.
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

describe('a feature-flags hook that sets a flag to a different non-boolean on each request', () => {
  it('is logged once per flag and kind of value, however many values; the flag is off on every request', async () => {
    for (let request = 0; request < 300; request++) {
      hook.flags = { tools: request / 7, workflows: `plan-${request}` }
      expect(await resolveFeatureFlags(fakeEvent(), `user-${request}`, DEFAULT_CONFIG)).toMatchObject({ tools: false, workflows: false })
    }
    const valueLines = lines().filter(line => /not true or false/.test(line.message)).map(line => line.message)
    expect(valueLines).toEqual([
      expect.stringContaining('set flags.tools to the number 0,'),
      expect.stringContaining('set flags.workflows to the string "plan-0"'),
    ])
  })
})
