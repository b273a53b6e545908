/**
 * `OPENROUTER_API_KEY` holding only whitespace (`--env-file` keeps `OPENROUTER_API_KEY= `, a mounted
 * secret file that is empty but for its newline). The layer's own key setting is trimmed (a key of
 * whitespace is none), but this fallback was taken as it was: the model client trims it and sends
 * no key at all, while the rest of the server counted it as one — the boot did not warn that no
 * model is configured, `nuxt dev` did not fall back to the scripted model, and every job was
 * created and then failed on the upstream's 401.
 */
import { describe, expect, it } from 'vitest'
import { hasModel, resolveConfig, usesScriptedModel } from '../../server/lib/config'

describe('OPENROUTER_API_KEY of whitespace only', () => {
  it('is no key: no model is configured, and `nuxt dev` answers with the scripted model', () => {
    const config = resolveConfig({}, { OPENROUTER_API_KEY: ' \n' })
    expect(config.upstream.apiKey).toBe('')
    expect(hasModel(config)).toBe(false)
    expect(usesScriptedModel(resolveConfig({}, { OPENROUTER_API_KEY: '\n' }, { dev: true }))).toBe(true)
  })

  it('a key with whitespace around it is still used', () => {
    expect(resolveConfig({}, { OPENROUTER_API_KEY: 'sk-or-v1-abc\n' }).upstream.apiKey).toBe('sk-or-v1-abc')
  })
})
