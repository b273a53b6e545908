/** The `redis` provider's rate-limit script (`takeRateLimit`). */

import { CLOCK, TAKE_HIT } from './redis-lua-parts'

/**
 * ARGV: prefix, key, limit, windowMs, now|'' (Redis's clock), member. A sliding window of `limit`
 * hits per window: returns -1 when counted, else the milliseconds until a hit falls out of the window.
 */
export const TAKE_RATE_SCRIPT = `
${TAKE_HIT}
${CLOCK}
return takeHit(ARGV[1] .. 'rate:' .. ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), clock(ARGV[5]), ARGV[6])
`
