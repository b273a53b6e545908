/**
 * What an upstream's error body says, in one line a user can read: the `error.message` of an
 * OpenAI-style JSON body (with its code), the title or text of an HTML page (a proxy's or a load
 * balancer's "502 Bad Gateway", a login page), else the text with its whitespace collapsed.
 * Never the raw markup. The caller redacts and cuts the result.
 */
import { cutTextWith } from '../../../shared/cut-text'

/** Most characters of an HTML page's text kept (the title, or the start of the visible text). */
const HTML_TEXT_CHARS = 200

/** Most characters kept of what the provider behind a gateway said (`metadata.raw`). */
const PROVIDER_TEXT_CHARS = 200

/** The readable gist of an error body ('' for an empty one). */
export function describeErrorBody(body: string): string {
  const text = body.trim()
  if (!text) return ''
  if (text.startsWith('{')) {
    const fromJson = describeJson(text)
    if (fromJson) return fromJson
  }
  if (looksLikeHtml(text)) return describeHtml(text)
  return collapse(text)
}

/**
 * What an OpenAI-style JSON error body names its failure (`{ error: { code, type } }`): its
 * `error.code` and `error.type`, each when it is a string or a number; none for another body.
 */
export function errorBodyNames(body: string): { upstreamCode?: string | number, upstreamType?: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(body.trim())
  }
  catch {
    return {}
  }
  const error = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).error : undefined
  if (!error || typeof error !== 'object') return {}
  const { code, type } = error as Record<string, unknown>
  return {
    ...(typeof code === 'string' || typeof code === 'number' ? { upstreamCode: code } : {}),
    ...(typeof type === 'string' ? { upstreamType: type } : {}),
  }
}

/** An HTML page rather than a text or JSON answer. */
export function looksLikeHtml(text: string): boolean {
  return /^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<\?xml[^>]*>\s*<!doctype\s+html)/i.test(text)
    || /<\/(?:html|body|head|title)>/i.test(text)
}

function describeJson(text: string): string | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  }
  catch {
    return undefined
  }
  if (!parsed || typeof parsed !== 'object') return undefined
  const root = parsed as Record<string, unknown>
  // OpenAI / OpenRouter / vLLM: { error: { message, code, type } }; LiteLLM and others: { error: "…" }, { message }, { detail }.
  const error = root.error
  const container = error && typeof error === 'object' ? error as Record<string, unknown> : root
  const message = [typeof error === 'string' ? error : undefined, container.message, container.detail, root.message, root.detail]
    .find((value): value is string => typeof value === 'string' && value.trim() !== '')
  if (!message) return undefined
  const code = [container.code, container.type].find(value => (typeof value === 'string' && value !== '') || typeof value === 'number')
  const detail = collapse(message)
  const described = code !== undefined && !detail.includes(String(code)) ? `${detail} (${String(code)})` : detail
  const provider = providerDetail(container)
  return provider ? `${described} — ${provider}` : described
}

/**
 * What the provider behind a gateway said. OpenRouter wraps a provider's failure, in an error body
 * and in a stream's error chunk alike, as `{ message: 'Provider returned error', code,
 * metadata: { provider_name, raw } }` (`raw`: the provider's own error body): without it the
 * job's error says only "Provider returned error". `Google: Resource exhausted (429)`, the
 * provider's name alone, or '' when there is no such metadata.
 */
export function providerDetail(error: Record<string, unknown>): string {
  const { metadata } = error
  if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata)) return ''
  const { raw, provider_name: name } = metadata as { raw?: unknown, provider_name?: unknown }
  const rawText = typeof raw === 'string' ? raw : raw && typeof raw === 'object' ? JSON.stringify(raw) : ''
  const said = rawText ? cutTextWith(describeErrorBody(rawText), PROVIDER_TEXT_CHARS, '…') : ''
  const provider = typeof name === 'string' ? collapse(name) : ''
  return provider && said ? `${provider}: ${said}` : provider || said
}

function describeHtml(text: string): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1]
  const fromTitle = title ? collapse(decodeEntities(stripTags(title))) : ''
  const visible = fromTitle || collapse(decodeEntities(stripTags(text.replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, ' '))))
  const gist = cutTextWith(visible, HTML_TEXT_CHARS, '…')
  return gist ? `${gist} (an HTML page)` : 'an HTML page'
}

function stripTags(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<[^>]*>/g, ' ')
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: '\'', nbsp: ' ' }

function decodeEntities(text: string): string {
  return text.replace(/&(#\d+|#x[\da-f]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole
    const code = name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1))
    return code > 0 && code <= 0x10FFFF ? String.fromCodePoint(code) : whole
  })
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
