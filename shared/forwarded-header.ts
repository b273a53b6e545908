/**
 * The standard `Forwarded` header (RFC 7239): `for=…;proto=https;host=app.example, for=…` — one
 * element per proxy, the leftmost added by the proxy nearest the browser. Its `proto` and `host`
 * are read where `X-Forwarded-Proto` and `X-Forwarded-Host` are, when those are absent (a proxy
 * that sends only the standard header: the anonymous cookie's `Secure` and the cross-site check
 * need them). Its `for` is not read: the client address of rate limits comes from
 * `X-Forwarded-For` only (server/lib/http/client-address.ts).
 */

/** The header's elements, in order, each as its parameters (names lower-cased, quoted values unquoted). */
export function forwardedElements(header: string | string[] | undefined): Array<Record<string, string>> {
  const text = Array.isArray(header) ? header.join(',') : header
  if (!text) return []
  const elements: Array<Record<string, string>> = []
  // No prototype: a `__proto__=` parameter is a parameter like any other.
  let element: Record<string, string> = Object.create(null)
  let pair = ''
  let quoted = false
  const endPair = () => {
    const equals = pair.indexOf('=')
    if (equals > 0) {
      const name = pair.slice(0, equals).trim().toLowerCase()
      let value = pair.slice(equals + 1).trim()
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1).replace(/\\(.)/g, '$1')
      if (name && !Object.hasOwn(element, name)) element[name] = value
    }
    pair = ''
  }
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!
    if (quoted) {
      pair += char
      if (char === '\\' && index + 1 < text.length) pair += text[++index]
      else if (char === '"') quoted = false
    }
    else if (char === '"') {
      quoted = true
      pair += char
    }
    else if (char === ';') endPair()
    else if (char === ',') {
      endPair()
      elements.push(element)
      element = Object.create(null)
    }
    else pair += char
  }
  endPair()
  elements.push(element)
  return elements.filter(parameters => Object.keys(parameters).length > 0)
}
