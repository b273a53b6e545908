/**
 * A key a tool definition does not have is refused at registration, naming it and the closest key:
 * the engine ignored it, so `needsAproval: true` (a typo in a `.js` tool file, or in a `.ts` one an
 * app never type-checks — `nuxt build` does not) ran the tool without asking anyone.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToolRegistry, InvalidToolDefinitionError } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'

const base = { name: 'delete_account', description: 'Deletes an account', parameters: z.object({ id: z.string() }), execute: () => 'deleted' }

function register(extra: Record<string, unknown>, file?: string): () => void {
  return () => createToolRegistry([{ ...base, ...extra } as unknown as AnyToolDefinition], { files: [file] })
}

describe('a tool definition\'s keys', () => {
  it('a misspelt needsApproval is refused, naming the file, the key and the one meant', () => {
    expect(register({ needsAproval: true }, 'server/tools/delete-account.js')).toThrow(InvalidToolDefinitionError)
    expect(register({ needsAproval: true }, 'server/tools/delete-account.js')).toThrow(
      'Invalid tool "delete_account" in server/tools/delete-account.js: unknown key `needsAproval` (did you mean `needsApproval`?)',
    )
  })

  it('a key meant for another setting is named too', () => {
    expect(register({ timeout: 5000 })).toThrow('unknown key `timeout` (did you mean `timeoutMs`?)')
    expect(register({ isolated: 'worker' })).toThrow('unknown key `isolated` (did you mean `isolation`?)')
    expect(register({ category: 'admin' })).toThrow(/unknown key `category`; a tool definition takes name, description, parameters, execute/)
  })

  it('the AI SDK\'s and MCP\'s names for a setting name this layer\'s', () => {
    // A tool written for the AI SDK (or an MCP server) moved into server/tools/: `inputSchema` is
    // 8 edits from `parameters`, so it was refused with no hint of the key it stands for.
    const { parameters, execute, ...rest } = base
    const moved = (extra: Record<string, unknown>) => () => createToolRegistry([{ ...rest, ...extra } as unknown as AnyToolDefinition])
    expect(moved({ inputSchema: parameters, execute })).toThrow('unknown key `inputSchema` (this layer calls it `parameters`)')
    expect(moved({ schema: parameters, execute })).toThrow('unknown key `schema` (this layer calls it `parameters`)')
    expect(moved({ parameters, handler: execute })).toThrow('unknown key `handler` (this layer calls it `execute`)')
  })

  it('a misspelt execute is named as such, not as a missing function', () => {
    const { execute: _execute, ...rest } = base
    expect(() => createToolRegistry([{ ...rest, exectue: () => 'x' } as unknown as AnyToolDefinition])).toThrow('unknown key `exectue` (did you mean `execute`?)')
  })

  it('every documented key is accepted', () => {
    expect(register({ timeoutMs: 1000, runtime: 'server', needsApproval: false, retryable: false, isolation: 'none' })).not.toThrow()
  })

  it('programmatic registration checks the keys as well', () => {
    const registry = createToolRegistry([])
    expect(() => registry.register({ ...base, needsAproval: true } as unknown as AnyToolDefinition)).toThrow('unknown key `needsAproval`')
  })
})
