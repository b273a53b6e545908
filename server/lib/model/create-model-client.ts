/**
 * Picks the model client from the configuration: the real upstream when an API key is set,
 * otherwise the built-in scripted model behind the very same client and parser.
 */
import type { BackgroundJobsConfig } from '../config'
import { usesScriptedModel } from '../config'
import type { TimerSet } from '../timers'
import { createModelClient } from './client'
import { configuredSecrets } from './echoed-secrets'
import type { FetchLike } from './client'
import { countModelRetry } from './retry-metrics'
import { createScriptedFetch } from './scripted-model'
import type { ModelClient } from './types'

/** Where the scripted model pretends to live; never contacted. */
export const SCRIPTED_BASE_URL = 'http://scripted-model.invalid/v1'

/** Options of `createModelClientFromConfig`. */
export interface ModelClientFromConfigOptions {
  /** Replaces `fetch` for the real upstream (tests); the scripted model always uses its own. */
  fetch?: FetchLike
  /** The job's timers (retry delays, first-token/stall limits, the scripted model's pacing). */
  timers?: TimerSet
  /** The time the job has left before its time limit (`ModelClientOptions.timeLeftMs`). */
  timeLeftMs?: () => number
}

/** Creates the client for this configuration. */
export function createModelClientFromConfig(config: BackgroundJobsConfig, options: ModelClientFromConfigOptions = {}): ModelClient {
  const { upstream } = config
  const common = {
    firstTokenTimeoutMs: upstream.firstTokenTimeoutMs,
    stallTimeoutMs: upstream.stallTimeoutMs,
    maxRetries: upstream.maxRetries,
    retryBaseDelayMs: upstream.retryBaseDelayMs,
    maxRetryDelayMs: upstream.maxRetryDelayMs,
    onRetry: countModelRetry,
    ...(options.timers ? { timers: options.timers } : {}),
    ...(options.timeLeftMs ? { timeLeftMs: options.timeLeftMs } : {}),
  }
  if (usesScriptedModel(config)) {
    return createModelClient({
      ...common,
      baseUrl: SCRIPTED_BASE_URL,
      fetch: createScriptedFetch({ ...config.scripted, ...(options.timers ? { timers: options.timers } : {}) }),
      scripted: true,
    })
  }
  return createModelClient({
    ...common,
    baseUrl: upstream.baseUrl,
    apiKey: upstream.apiKey,
    secrets: configuredSecrets(config),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  })
}
