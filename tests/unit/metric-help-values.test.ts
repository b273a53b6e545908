/**
 * The `# HELP` line of requests_refused_total (what a dashboard shows next to the series) names
 * every `limits` setting that answers a 429: it left out `anonymousCreatePerMinute` (the anonymous
 * creations per client address), so an operator reading the help could not place that series.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { RateLimitError } from '../../server/lib/errors'
import { COUNTER_HELP } from '../../server/lib/metric-help'
import { ModelError, UpstreamHttpError, UpstreamStreamError } from '../../server/lib/model/errors'
import { retryReason } from '../../server/lib/model/retry-metrics'
import { RATE_LIMITS } from '../../server/lib/rate-limit'

describe('the requests_refused_total help', () => {
  it('names every limits setting that answers 429', () => {
    const settings = [...Object.values(RATE_LIMITS).map(limit => limit.setting), 'maxConcurrentJobs', 'maxConcurrentJobsPerUser', 'maxStreamsPerUser', 'maxStreams']
    expect(settings.filter(setting => !COUNTER_HELP.requests_refused_total.includes(setting))).toEqual([])
  })

  /**
   * A 429 the job's owner answered (an input or a stream forwarded to another instance) is counted
   * under the limit its reply names; an older server's reply names none, and it was counted as
   * `limit="other"`, a value neither the help nor docs/metrics.md mentioned.
   */
  it('and docs/metrics.md name "other", the limit of a forwarded refusal that names none', () => {
    const unnamed = new RateLimitError('refused by an older server', 1).setting
    expect(unnamed).toBe('other')
    expect(COUNTER_HELP.requests_refused_total).toMatch(/\bother\b/)
    const row = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8').split('\n').find(line => line.startsWith('| `requests_refused_total{limit}`'))
    expect(row).toContain('`other`')
  })
})

/**
 * The `model_retries_total` help named three reasons; `other` (a retryable error chunk named by
 * type, such as `server_error` or `overloaded_error`, with no status) is counted too.
 */
describe('the model_retries_total help', () => {
  it('names every reason a retry is counted under', () => {
    const reasons = [
      retryReason(new UpstreamHttpError(429, '')),
      retryReason(new UpstreamHttpError(503, '')),
      retryReason(new ModelError('upstream-network', 'fetch failed', { retryable: true })),
      retryReason(new UpstreamStreamError('Overloaded', undefined, 'overloaded_error')),
    ]
    expect(reasons).toEqual(['http-429', 'http-5xx', 'network', 'other'])
    expect(reasons.filter(reason => !COUNTER_HELP.model_retries_total.includes(reason))).toEqual([])
  })
})
