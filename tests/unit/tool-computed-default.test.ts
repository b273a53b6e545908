/**
 * A zod default given as a function (`.default(() => new Date().toISOString())`,
 * `.default(() => randomUUID())`) is evaluated when the tool's JSON Schema is built at boot: the
 * model was shown that one value as the default for the life of the process — the boot time, one
 * id for every call — though the tool fills in a new value each time. A default whose value has
 * changed since it was shown is left out of what the model sees (the field stays optional); a
 * fixed default, or a function that always gives the same value, is still shown.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'

afterEach(() => { vi.useRealTimers() })

function shownProperties(registry: ReturnType<typeof createToolRegistry>, name: string) {
  const parameters = registry.toModelTools([name])[0]!.function.parameters as { properties: Record<string, Record<string, unknown>>, required?: string[] }
  return parameters
}

describe('a default computed by a function', () => {
  it('from the clock: the boot time is not shown once the clock has moved on', () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2026-01-01T00:00:00.000Z'))
    const stamp = defineTool({
      name: 'stamp',
      description: 'stamps',
      parameters: z.object({ at: z.iso.datetime().default(() => new Date().toISOString()), label: z.string() }),
      execute: ({ at }) => at,
    })
    const registry = createToolRegistry([stamp])
    vi.setSystemTime(new Date('2026-01-01T00:05:00.000Z'))
    const shown = shownProperties(registry, 'stamp')
    expect(shown.properties.at).not.toHaveProperty('default')
    expect(shown.properties.at).toMatchObject({ type: 'string', format: 'date-time' })
    expect(shown.required).toEqual(['label'])
  })

  it('that differs at each call (an id, a counter), also nested or used in several places: never shown', () => {
    let n = 0
    const when = z.string().default(() => `when-${++n}`)
    const tag = defineTool({
      name: 'tag',
      description: 'tags',
      parameters: z.object({
        id: z.string().default(() => `id-${++n}`),
        items: z.array(z.object({ key: z.string().prefault(() => `key-${++n}`) })).optional(),
        fixed: z.string().default('x'),
        same: z.array(z.string()).default(() => ['a']),
        start: when,
        end: z.object({ at: when }),
      }),
      execute: () => null,
    })
    const registry = createToolRegistry([tag])
    const shown = shownProperties(registry, 'tag')
    expect(shown.properties.id).not.toHaveProperty('default')
    expect((shown.properties.items!.items as { properties: Record<string, unknown> }).properties.key).not.toHaveProperty('default')
    expect(shown.properties.start).not.toHaveProperty('default')
    expect((shown.properties.end!.properties as Record<string, unknown>).at).not.toHaveProperty('default')
    expect(shown.properties.fixed).toMatchObject({ default: 'x' })
    expect(shown.properties.same).toMatchObject({ default: ['a'] })
  })
})
