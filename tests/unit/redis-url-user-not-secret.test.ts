/**
 * The configured secrets a model endpoint's error is scrubbed of (model/echoed-secrets.ts) took a
 * Redis URL's user name as a secret whenever it had no password — also one written with its `:`
 * (`redis://jobs_worker:@redis:6379`, a template whose password was empty), which is a name: the
 * logs show it (secret-patterns.ts hides only user info without a `:`). Scrubbed, it cut every
 * `jobs_worker` out of an endpoint's error message and dropped an error code holding it. Only
 * passwords count now, and user info without a `:`, as often a password written in the user's
 * place, still does.
 */
import { describe, expect, it } from 'vitest'
import { resolveConfig } from '../../server/lib/config'
import { modelFailure } from '../../server/lib/executor/model-round'
import type { FetchLike } from '../../server/lib/model/client'
import { createModelClientFromConfig } from '../../server/lib/model/create-model-client'
import { configuredSecrets } from '../../server/lib/model/echoed-secrets'

/** Each secret once (a value and its %-decoded form are both listed). */
const secretsOf = (redisUrl: string) => [...new Set(configuredSecrets(resolveConfig({ redisUrl })))]

describe('the secrets of a Redis URL', () => {
  it('are its password, not its user name', () => {
    expect(secretsOf('redis://jobs_worker:r3d1sPassw0rd@redis:6379')).toEqual(['r3d1sPassw0rd'])
    expect(secretsOf('redis://jobs_worker:@redis:6379')).toEqual([])
    expect(secretsOf('rediss://jobs_worker:@redis:6379/2')).toEqual([])
  })

  it('still count user info without a `:` (a password in the user\'s place), as the logs hide it', () => {
    expect(secretsOf('redis://s3cr3tPassw0rd@redis:6379')).toEqual(['s3cr3tPassw0rd'])
    expect(secretsOf('redis://:s3cr3tPassw0rd@redis:6379')).toEqual(['s3cr3tPassw0rd'])
  })

  it('leave a model endpoint\'s error code and words that hold the user name as they were', async () => {
    const config = resolveConfig({ redisUrl: 'redis://jobs_worker:@redis:6379', upstream: { baseUrl: 'https://gateway.test/v1', apiKey: 'k'.repeat(32), maxRetries: 0 } })
    const body = JSON.stringify({ error: { message: 'jobs_worker is over its quota', type: 'jobs_worker_quota' } })
    const fetch: FetchLike = async () => new Response(body, { status: 400 })
    const model = createModelClientFromConfig(config, { fetch })
    const error = await model.consume!({ model: 'm', messages: [{ role: 'user', content: 'Hi' }] }, new AbortController().signal, () => {}).then(() => null, (thrown: unknown) => thrown)
    const failure = modelFailure(error)
    expect(failure.details.upstreamCode).toBe('jobs_worker_quota')
    expect(failure.message).toContain('jobs_worker is over its quota')
  })
})
