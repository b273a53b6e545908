/**
 * Whether a request's `Accept-Encoding` allows gzip (RFC 9110 §12.5.3): a `gzip` (or `x-gzip`)
 * entry with a quality above 0, or — with no such entry — a `*` above 0. `q=0` means "not
 * acceptable", so `gzip;q=0` or `*;q=0` is identity.
 */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : header ?? ''
  let wildcard: boolean | undefined
  for (const entry of value.split(',')) {
    const [coding = '', ...parameters] = entry.split(';')
    const name = coding.trim().toLowerCase()
    if (name !== 'gzip' && name !== 'x-gzip' && name !== '*') continue
    const accepted = qualityOf(parameters) > 0
    if (name === '*') wildcard = accepted
    else return accepted
  }
  return wildcard ?? false
}

/** The `q` parameter (1 without one; an unreadable one counts as 1, as if it were absent). */
function qualityOf(parameters: string[]): number {
  for (const parameter of parameters) {
    const [key = '', raw = ''] = parameter.split('=')
    if (key.trim().toLowerCase() !== 'q') continue
    const quality = Number(raw.trim())
    return Number.isFinite(quality) ? quality : 1
  }
  return 1
}
