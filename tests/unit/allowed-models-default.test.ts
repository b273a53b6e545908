/**
 * `upstream.allowedModels` lists the models a request may name. The default model is what a request
 * naming none gets, so naming it (a model picker whose first choice is the catalog's model) must be
 * accepted too, also when other models are listed (docs/production-checklist.md: "list others").
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { globalFlags } from '../../server/lib/feature-flags'
import { toChatJobInput } from '../../server/lib/http/chat-job-input'
import { chatJobBodySchema } from '../../server/lib/http/schemas'
import { validate } from '../../server/lib/http/request'

const config = resolveConfig({ upstream: { defaultModel: 'openai/gpt-4o-mini', allowedModels: 'anthropic/claude-sonnet-4, google/gemini-2.5-pro' } })

function input(model?: string) {
  const body = validate(chatJobBodySchema(config), { messages: [{ role: 'user', content: 'hi' }], ...(model ? { model } : {}) })
  return toChatJobInput(body, config, globalFlags(config), null)
}

describe('upstream.allowedModels and the default model', () => {
  it('a request may name the default model while other models are listed', () => {
    expect(input('openai/gpt-4o-mini').request.model).toBe('openai/gpt-4o-mini')
    expect(input('anthropic/claude-sonnet-4').request.model).toBe('anthropic/claude-sonnet-4')
    // Naming none gets the default model: the same job as naming it.
    expect(input().request.model).toBeUndefined()
  })

  it('a model neither listed nor the default is still a 400 naming the setting', () => {
    expect(() => input('vendor/expensive-model')).toThrow(/"vendor\/expensive-model" is not allowed here \(upstream\.allowedModels: anthropic\/claude-sonnet-4, google\/gemini-2\.5-pro, openai\/gpt-4o-mini\)/)
  })
})
