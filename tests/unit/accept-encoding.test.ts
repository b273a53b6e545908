import { describe, expect, it } from 'vitest'
import { acceptsGzip } from '../../server/lib/http/accept-encoding'

describe('acceptsGzip', () => {
  it('accepts gzip named with a quality above 0, in any case and position', () => {
    for (const header of ['gzip', 'gzip, deflate, br', 'br;q=1.0, GZIP;q=0.8', 'deflate, x-gzip', 'gzip ; q=0.001', 'gzip;q=abc']) expect(acceptsGzip(header), header).toBe(true)
  })

  it('refuses gzip with q=0, even when a wildcard allows the rest', () => {
    for (const header of ['gzip;q=0', 'gzip;q=0, identity', 'gzip; q=0.0, *', '*;q=0', '*;q=0.5, gzip;q=0']) expect(acceptsGzip(header), header).toBe(false)
  })

  it('takes a wildcard for gzip when gzip is not named', () => {
    expect(acceptsGzip('*')).toBe(true)
    expect(acceptsGzip('br, *;q=0.1')).toBe(true)
  })

  it('is identity without the header, or when only other codings are named', () => {
    for (const header of [undefined, '', 'identity', 'br, deflate', 'gzipped', 'x-gzip-not']) expect(acceptsGzip(header), String(header)).toBe(false)
    expect(acceptsGzip(['br', 'gzip'])).toBe(true)
  })
})
