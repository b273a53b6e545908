/**
 * `upstream.baseUrl` and `convexUrl` with whitespace around them (`docker run --env-file` keeps a
 * trailing space). The boot check parses them with `new URL`, which drops it, so they passed; the
 * readers did not: the chat endpoint became `…/v1%20/chat/completions` (every job failed on the
 * upstream's 404), and the Convex client refused the address at boot with a bare "Invalid URL" that
 * names no setting. Fed through Nitro's own applyEnv, as the server boots.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'
import type { FetchLike } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'

const ANSWER = `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: 'stop' }] })}\n\ndata: [DONE]\n\n`
const touched: string[] = []
function bootConfig(env: Record<string, string>) {
  for (const [name, value] of Object.entries(env)) {
    process.env[name] = value
    touched.push(name)
  }
  const input = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs
  return resolveConfig(input as BackgroundJobsConfigInput, process.env)
}
afterEach(() => {
  for (const name of touched.splice(0)) delete process.env[name]
})

describe('URL settings with whitespace around them', () => {
  it('the upstream is asked at its chat endpoint', async () => {
    const config = bootConfig({ NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL: 'https://llm.example.com/v1 ', NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-test' })
    expect(configProblems(config)).toEqual([])
    const urls: string[] = []
    const fetch: FetchLike = async (url) => {
      urls.push(String(url))
      return new Response(ANSWER)
    }
    await createModelClientFromConfig(config, { fetch }).consume!({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, new AbortController().signal, () => {})
    expect(urls.map(url => new URL(url).href)).toEqual(['https://llm.example.com/v1/chat/completions'])
  })

  it('the Convex client is given the deployment address alone', () => {
    const config = bootConfig({ NUXT_BACKGROUND_JOBS_CONVEX_URL: ' https://happy-otter-123.convex.cloud ' })
    expect(config.convexUrl).toBe('https://happy-otter-123.convex.cloud')
  })
})
