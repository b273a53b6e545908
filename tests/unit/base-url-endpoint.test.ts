/**
 * `upstream.baseUrl` set to the chat completions endpoint itself (what Azure's portal and many
 * guides show) booted, and the model client, which appends `/chat/completions`, sent every round to
 * `…/chat/completions/chat/completions`: every job failed on the upstream's 404, nothing naming the
 * setting. The boot now stops naming the variable and the fix.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { configProblems } from '../../server/lib/config-validate'

const problem = 'backgroundJobs.upstream.baseUrl (NUXT_BACKGROUND_JOBS_UPSTREAM_BASE_URL) ends with /chat/completions, which the model client appends itself'

describe('upstream.baseUrl naming the endpoint', () => {
  it.each([
    'https://openrouter.ai/api/v1/chat/completions',
    'https://api.openai.com/v1/chat/completions/',
    'https://my-resource.openai.azure.com/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
  ])('%s stops the boot naming the variable', (baseUrl) => {
    expect(configProblems(resolveConfig({ upstream: { baseUrl } })).join('\n')).toContain(problem)
  })

  it.each([
    'https://openrouter.ai/api/v1',
    'https://my-resource.openai.azure.com/openai/deployments/gpt-4o?api-version=2024-10-21',
    'http://127.0.0.1:11434/v1/',
  ])('%s is a base URL and boots', (baseUrl) => {
    expect(configProblems(resolveConfig({ upstream: { baseUrl } }))).toEqual([])
  })
})
