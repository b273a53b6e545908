/**
 * Picks the model client from the configuration: the real upstream when an API key is set,
 * otherwise the built-in scripted model behind the very same client and parser.
 */
import type { BackgroundJobsConfig } from '../config'
import { usesScriptedModel } from '../config'
import { createModelClient } from './client'
import type { FetchLike } from './client'
import { createScriptedFetch } from './scripted-model'
import type { ModelClient } from './types'

/** Where the scripted model pretends to live; never contacted. */
export const SCRIPTED_BASE_URL = 'http://scripted-model.invalid/v1'

/**
 * Creates the client for this configuration. `fetchImpl` replaces `fetch` for the real upstream
 * (tests); the scripted model always uses its own.
 */
export function createModelClientFromConfig(config: BackgroundJobsConfig, fetchImpl?: FetchLike): ModelClient {
  const { upstream } = config
  const timing = {
    firstTokenTimeoutMs: upstream.firstTokenTimeoutMs,
    stallTimeoutMs: upstream.stallTimeoutMs,
    maxRetries: upstream.maxRetries,
    retryBaseDelayMs: upstream.retryBaseDelayMs,
  }
  if (usesScriptedModel(config)) {
    return createModelClient({
      ...timing,
      baseUrl: SCRIPTED_BASE_URL,
      fetch: createScriptedFetch(config.scripted),
      scripted: true,
    })
  }
  return createModelClient({
    ...timing,
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  })
}
