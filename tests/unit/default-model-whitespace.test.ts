/**
 * `NUXT_BACKGROUND_JOBS_UPSTREAM_DEFAULT_MODEL` with whitespace around it (`docker run --env-file`
 * keeps a trailing space, a mounted file its newline). A model id never holds whitespace, but the
 * text was used as written: every job naming no model asked the upstream for `"…-sonnet-4 "`
 * (an unknown model), and a request naming the catalog's model, which the route trims, was refused
 * as not allowed. Fed through Nitro's own applyEnv, as the server boots.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, resolveConfig } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'
import { globalFlags } from '../../server/lib/feature-flags'
import { toChatJobInput } from '../../server/lib/http/chat-job-input'
import { chatJobBodySchema } from '../../server/lib/http/schemas'
import { validate } from '../../server/lib/http/request'

const VARIABLE = 'NUXT_BACKGROUND_JOBS_UPSTREAM_DEFAULT_MODEL'
afterEach(() => {
  delete process.env[VARIABLE]
})

describe('the default model with whitespace around it', () => {
  it('is the model id without it: sent upstream so, and a request may name it', () => {
    process.env[VARIABLE] = 'anthropic/claude-sonnet-4 \n'
    const input = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs
    const config = resolveConfig(input as BackgroundJobsConfigInput, process.env)
    expect(config.upstream.defaultModel).toBe('anthropic/claude-sonnet-4')
    const body = validate(chatJobBodySchema(config), { messages: [{ role: 'user', content: 'hi' }], model: 'anthropic/claude-sonnet-4' })
    expect(toChatJobInput(body, config, globalFlags(config), null).request.model).toBe('anthropic/claude-sonnet-4')
  })
})
