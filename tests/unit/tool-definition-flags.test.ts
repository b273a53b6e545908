/**
 * `needsApproval` and `retryable` change what a call may do, and the executor reads them as truthy:
 * a word there (`retryable: 'false'` from a JavaScript file or a config value) would retry a call
 * with side effects, `needsApproval: 'no'` would ask before every call. Such a definition is refused
 * when it is registered, naming the field, as `isolation` and `runtime` are.
 */
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToolRegistry, InvalidToolDefinitionError } from '../../server/lib/tools/registry'
import type { AnyToolDefinition } from '../../server/lib/tools/types'

const base = { name: 'send_email', description: 'Sends an email', parameters: z.object({ to: z.string() }), execute: () => 'sent' }

function register(extra: Record<string, unknown>): () => void {
  return () => createToolRegistry([{ ...base, ...extra } as unknown as AnyToolDefinition])
}

describe('a tool\'s flags must be what they say', () => {
  it('retryable: a word is refused (it would retry a call with side effects)', () => {
    expect(register({ retryable: 'false' })).toThrow(InvalidToolDefinitionError)
    expect(register({ retryable: 'false' })).toThrow('Invalid tool "send_email": `retryable` must be true or false, got "false"')
    expect(register({ retryable: 1 })).toThrow('`retryable` must be true or false, got number')
  })

  it('needsApproval: a word is refused', () => {
    expect(register({ needsApproval: 'no' })).toThrow('Invalid tool "send_email": `needsApproval` must be true, false or a function of the arguments, got "no"')
  })

  it('booleans, a function and leaving them out are accepted', () => {
    expect(register({ retryable: false, needsApproval: true })).not.toThrow()
    expect(register({ retryable: true, needsApproval: () => false })).not.toThrow()
    expect(register({})).not.toThrow()
  })
})
