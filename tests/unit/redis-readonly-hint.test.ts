/**
 * Redis answering READONLY after boot (a failover left the URL on a replica): the operator's log
 * line said "the URL reaches a read-only replica" without saying which setting holds that URL.
 * It names NUXT_BACKGROUND_JOBS_REDIS_URL, as the boot check's error does, never the URL's password.
 */
import { describe, expect, it } from 'vitest'
import { refusalOf } from '../../server/lib/providers/redis-refusal'

describe('a READONLY reply after boot', () => {
  it('names the variable holding the URL, and what to do if it goes on', () => {
    const refused = refusalOf('READONLY You can\'t write against a read only replica.')
    expect(refused?.code).toBe('READONLY')
    expect(refused?.message).toContain('NUXT_BACKGROUND_JOBS_REDIS_URL reaches a read-only replica')
    expect(refused?.message).toContain('point it at the primary')
    expect(refused?.clientMessage).toBe('The job store (Redis) refused the command; retry shortly')
  })
})
