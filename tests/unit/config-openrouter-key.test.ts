/**
 * `OPENROUTER_API_KEY` is a fallback for `upstream.apiKey` with OpenRouter as the upstream only:
 * an app that uses OpenRouter elsewhere and points this layer at another endpoint must not have
 * its OpenRouter key sent there as the bearer token.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import type { FetchLike } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'

const ENV = { OPENROUTER_API_KEY: 'sk-or-v1-openrouter-only' }
const ANSWER = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`

/** The headers of the one request a client built from `config` sends. */
async function sentHeaders(config: ReturnType<typeof resolveConfig>): Promise<Record<string, string>> {
  let headers: Record<string, string> = {}
  const fetch: FetchLike = async (_url, init) => {
    headers = init.headers as Record<string, string>
    return new Response(ANSWER)
  }
  await createModelClientFromConfig(config, { fetch }).consume!({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, new AbortController().signal, () => {})
  return headers
}

describe('OPENROUTER_API_KEY', () => {
  it('is used for OpenRouter (the default base URL, or another path on its host)', async () => {
    expect(resolveConfig({}, ENV).upstream.apiKey).toBe(ENV.OPENROUTER_API_KEY)
    expect(resolveConfig({ upstream: { baseUrl: 'https://openrouter.ai/api/v1/' } }, ENV).upstream.apiKey).toBe(ENV.OPENROUTER_API_KEY)
    expect((await sentHeaders(resolveConfig({}, ENV))).authorization).toBe(`Bearer ${ENV.OPENROUTER_API_KEY}`)
  })

  it('is never sent to another upstream', async () => {
    for (const baseUrl of ['https://api.deepseek.com', 'http://vllm.internal:8000/v1', 'https://openrouter.ai.example.com/v1']) {
      const config = resolveConfig({ upstream: { baseUrl } }, ENV)
      expect(config.upstream.apiKey, baseUrl).toBe('')
      expect(await sentHeaders(config), baseUrl).not.toHaveProperty('authorization')
    }
  })

  it('an explicit upstream.apiKey wins for any upstream', () => {
    expect(resolveConfig({ upstream: { baseUrl: 'https://api.deepseek.com', apiKey: 'sk-deepseek' } }, ENV).upstream.apiKey).toBe('sk-deepseek')
    expect(resolveConfig({ upstream: { apiKey: 'sk-or-explicit' } }, ENV).upstream.apiKey).toBe('sk-or-explicit')
  })
})
