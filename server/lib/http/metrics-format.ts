/**
 * Whether `GET /api/jobs/metrics` answers Prometheus text rather than its default JSON: with
 * `?format=prometheus`, or when `Accept` prefers `text/plain` to JSON (RFC 9110 §12.5.1). JSON
 * named as high as text — axios's default `application/json, text/plain, *\/*` — keeps JSON, and
 * `text/plain;q=0` refuses text; a `text/plain` named above a bare wildcard (Prometheus's own
 * `…,text/plain;version=0.0.4;q=0.3,*\/*;q=0.2`, or `text/plain, *\/*`) is text.
 */

/** The quality `Accept` gives a media type: its own entry, else `type/*`, else `*\/*`; and whether it was named. */
function qualityOf(accept: string, type: string): { q: number, named: boolean } {
  const [major] = type.split('/')
  let best: { q: number, specificity: number } = { q: 0, specificity: -1 }
  for (const entry of accept.split(',')) {
    const [range = '', ...parameters] = entry.split(';')
    const name = range.trim().toLowerCase()
    const specificity = name === type ? 2 : name === `${major}/*` ? 1 : name === '*/*' ? 0 : -1
    if (specificity <= best.specificity) continue
    const qParameter = parameters.map(parameter => parameter.split('=')).find(([key]) => key?.trim().toLowerCase() === 'q')
    const q = qParameter ? Number(qParameter[1]?.trim()) : 1
    best = { q: Number.isFinite(q) ? q : 1, specificity }
  }
  return { q: best.q, named: best.specificity === 2 }
}

/** True when the metrics answer is Prometheus text. */
export function wantsPrometheusText(accept: string | undefined, format: unknown): boolean {
  if (format === 'prometheus') return true
  if (!accept) return false
  const text = qualityOf(accept, 'text/plain')
  if (!text.named || text.q <= 0) return false
  const json = qualityOf(accept, 'application/json')
  // On a tie, the type the client named beats one it only allowed through a wildcard; JSON, the default, wins the rest.
  return text.q > json.q || (text.q === json.q && !json.named)
}
