/**
 * `NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY` holding only whitespace (`--env-file` keeps `KEY= `, a
 * mounted secret file that is empty but for its newline). The model client trims the key, so no key
 * was sent at all, but the rest of the server counted the whitespace as a key: the boot did not
 * warn that no model is configured, `OPENROUTER_API_KEY` was ignored, `nuxt dev` did not fall back
 * to the scripted model, and every job was created and then failed on the upstream's 401.
 */
import { applyEnv } from 'nitropack/runtime/internal/utils.env'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_CONFIG, hasModel, resolveConfig, usesScriptedModel } from '../../server/lib/config'
import type { BackgroundJobsConfigInput } from '../../server/lib/config'

const VARIABLE = 'NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY'
afterEach(() => {
  delete process.env[VARIABLE]
})

function booted(value: string, env: Record<string, string> = {}, dev = false) {
  process.env[VARIABLE] = value
  const input = applyEnv({ backgroundJobs: structuredClone(DEFAULT_CONFIG) }, { prefix: 'NUXT_', altPrefix: 'NUXT_', envExpansion: false }).backgroundJobs
  return resolveConfig(input as BackgroundJobsConfigInput, { ...process.env, ...env }, { dev })
}

describe('an upstream API key of whitespace only', () => {
  it('is no key: no model is configured (the boot warns, creations get the 503 naming the variable)', () => {
    const config = booted(' \n')
    expect(config.upstream.apiKey).toBe('')
    expect(hasModel(config)).toBe(false)
  })

  it('leaves OpenRouter\'s key to be used', () => {
    expect(booted(' ', { OPENROUTER_API_KEY: 'sk-or-v1-abc' }).upstream.apiKey).toBe('sk-or-v1-abc')
  })

  it('lets `nuxt dev` answer with the scripted model', () => {
    expect(usesScriptedModel(booted('\n', {}, true))).toBe(true)
  })

  it('a key with whitespace around it is the key without it', () => {
    expect(booted(' sk-live-123\n').upstream.apiKey).toBe('sk-live-123')
  })
})
