/**
 * The `background-jobs:feature-flags` hook switches a feature off with `false`. A value that is not
 * a boolean (`0` or `null` from a database column, `'false'` from an env or JSON config) was taken
 * as "on": the feature the app meant to switch off stayed on, silently. Now such a value is logged,
 * naming the hook and the flag, and the flag is off; a flag the hook leaves out keeps its global value.
 */
import type { H3Event } from 'h3'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_CONFIG } from '../../server/lib/config'
import { resolveFeatureFlags } from '../../server/lib/http/resolve-flags'

const hook = vi.hoisted(() => ({ run: (_context: { flags: Record<string, unknown> }) => {} }))
vi.mock('nitropack/runtime', () => ({
  useNitroApp: () => ({ hooks: { callHook: async (_name: string, context: { flags: Record<string, unknown> }) => hook.run(context) } }),
}))

let logged: string[] = []

beforeEach(() => {
  logged = []
  vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => {
    // Each line is JSON: keep its message, unescaped.
    logged.push(parts.map(part => (typeof part === 'string' ? (JSON.parse(part) as { message: string }).message : JSON.stringify(part))).join(' '))
  })
})

afterEach(() => {
  vi.restoreAllMocks()
})

const fakeEvent = () => ({ context: {} }) as unknown as H3Event
const config = { ...DEFAULT_CONFIG, enabled: true, tools: { ...DEFAULT_CONFIG.tools, enabled: true }, workflows: { ...DEFAULT_CONFIG.workflows, enabled: true } }

describe('feature-flags hook values', () => {
  it.each([
    ['0', 0, 'the number 0'],
    ['null', null, 'null'],
    ['\'false\'', 'false', 'the string "false"'],
  ])('flags.tools = %s switches tools off, and says why', async (_label, value, shown) => {
    hook.run = (context) => {
      context.flags.tools = value
    }
    const flags = await resolveFeatureFlags(fakeEvent(), 'user-1', config)
    expect(flags).toEqual({ enabled: true, tools: false, workflows: true })
    expect(logged.join('\n')).toContain(`the background-jobs:feature-flags hook set flags.tools to ${shown}, not true or false; tools is off for this user`)
  })

  it('flags.enabled = 0 switches everything off', async () => {
    hook.run = (context) => {
      context.flags.enabled = 0
    }
    expect(await resolveFeatureFlags(fakeEvent(), 'user-1', config)).toEqual({ enabled: false, tools: false, workflows: false })
    expect(logged.join('\n')).toContain('set flags.enabled to the number 0')
  })

  it('booleans, and a flag left out, work as before without a log line', async () => {
    hook.run = (context) => {
      context.flags.workflows = false
      delete context.flags.tools
    }
    expect(await resolveFeatureFlags(fakeEvent(), 'user-1', config)).toEqual({ enabled: true, tools: true, workflows: false })
    expect(logged).toEqual([])
  })
})
