import { describe, expect, it } from 'vitest'
import { resolveToolNames } from '../../server/lib/executor/resolve-tools'
import { resolveConfig } from '../../server/lib/config'
import { createToolRegistry } from '../../server/lib/tools/registry'
import calculate from '../../demo/server/tools/calculate'
import deleteFile from '../../demo/server/tools/delete-file'
import getCurrentTime from '../../demo/server/tools/get-current-time'

const registry = createToolRegistry([getCurrentTime, calculate, deleteFile])

describe('resolveToolNames', () => {
  it('offers every registered tool when the request names none', () => {
    expect(resolveToolNames(registry, resolveConfig())).toEqual(['get_current_time', 'calculate', 'delete_file'])
  })

  it('keeps the requested names in order, ignoring unknown names and duplicates', () => {
    expect(resolveToolNames(registry, resolveConfig(), ['calculate', 'rm_rf', 'get_current_time', 'calculate'])).toEqual(['calculate', 'get_current_time'])
  })

  it('an empty list means no tools', () => {
    expect(resolveToolNames(registry, resolveConfig(), [])).toEqual([])
  })

  it('removes disabled names (comma-separated, spaces allowed), even when requested', () => {
    const config = resolveConfig({ tools: { disabled: ' delete_file , calculate' } })
    expect(resolveToolNames(registry, config)).toEqual(['get_current_time'])
    expect(resolveToolNames(registry, config, ['delete_file'])).toEqual([])
  })

  it('tools.enabled false (also as the string "false" from the environment) means none', () => {
    expect(resolveToolNames(registry, resolveConfig({ tools: { enabled: false } }))).toEqual([])
    expect(resolveToolNames(registry, resolveConfig({ tools: { enabled: 'false' as unknown as boolean } }), ['calculate'])).toEqual([])
  })

  it('ignores names that are not strings (a body is never trusted)', () => {
    expect(resolveToolNames(registry, resolveConfig(), [{ name: 'calculate' } as unknown as string, 'calculate'])).toEqual(['calculate'])
  })
})
