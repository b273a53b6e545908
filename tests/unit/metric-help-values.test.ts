/**
 * The `# HELP` line of requests_refused_total (what a dashboard shows next to the series) names
 * every `limits` setting that answers a 429: it left out `anonymousCreatePerMinute` (the anonymous
 * creations per client address), so an operator reading the help could not place that series.
 */
import { describe, expect, it } from 'vitest'
import { COUNTER_HELP } from '../../server/lib/metric-help'
import { RATE_LIMITS } from '../../server/lib/rate-limit'

describe('the requests_refused_total help', () => {
  it('names every limits setting that answers 429', () => {
    const settings = [...Object.values(RATE_LIMITS).map(limit => limit.setting), 'maxConcurrentJobs', 'maxConcurrentJobsPerUser', 'maxStreamsPerUser', 'maxStreams']
    expect(settings.filter(setting => !COUNTER_HELP.requests_refused_total.includes(setting))).toEqual([])
  })
})
