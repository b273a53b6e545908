/**
 * The secrets a model endpoint (or a proxy in front of it) could echo back in an error body or an
 * error chunk, which the job's error — shown to its user, logged, sent to spans — must never
 * carry: the API key, the values of the secret headers the `upstream-request` hook adds (a
 * gateway's `x-api-key`), and the other secrets of the configuration (the cookie secrets, the
 * Convex secret, the metrics token, the password of the Redis URL (or its user info without a
 * `:`, written in a password's place), a key in the base URL). The
 * shapes of secrets in general are secret-patterns.ts'; these are the configured values
 * themselves, matched whatever their case. They are never logged.
 */
import type { BackgroundJobsConfig } from '../config-types'
import { SECRET_KEYS } from '../secret-patterns'

/** The secrets to scrub: one (the API key) or several. */
export type EchoedSecrets = string | readonly string[]

/**
 * Secrets at least this long are scrubbed wherever they stand, with any run of this many of their
 * characters (a prefix the endpoint quotes, the key cut or elided: secret-runs.ts), and a code
 * holding such a run is no name; a shorter one (a local server's placeholder key: `x`, `none`,
 * `EMPTY`) only where it stands as a token of its own, and a code only when it is the secret.
 */
export const SECRET_PART_CHARS = 8

/** The configured secrets other than the API key, each trimmed, empty ones left out. */
export function configuredSecrets(config: BackgroundJobsConfig): string[] {
  const values = [config.cookieSecret, config.cookieSecretPrevious, config.convexSecret, config.metricsToken, ...urlSecrets(config.redisUrl), ...urlSecrets(config.upstream.baseUrl)]
  return values.map(value => String(value ?? '').trim()).filter(value => value !== '')
}

/**
 * A URL's password, and the values of its query parameters named like a secret's (`?key=…`). A
 * Redis (or Valkey) URL's user info without a `:` (`redis://s3cr3t@host`) is a password written in
 * the user's place as often as a user name, so it counts too, as the log's redaction hides it
 * (secret-patterns.ts); a user name written with its `:` (`redis://worker:@host`, a template's
 * empty password) is a name, which the logs show — scrubbed here, it cut every `worker` from a
 * model endpoint's error and dropped an error code holding it.
 */
function urlSecrets(text: string | undefined): string[] {
  if (!text) return []
  let url: URL
  try {
    url = new URL(text)
  }
  catch {
    return []
  }
  const redis = url.protocol.startsWith('redis') || url.protocol.startsWith('valkey')
  const secrets = [url.password || (redis && !userInfoHasColon(text) ? url.username : '')]
  for (const [name, value] of url.searchParams) {
    if (SECRET_KEYS.test(name) || /^(?:key|sig|auth)$/i.test(name)) secrets.push(value)
  }
  return secrets.flatMap(secret => [secret, safeDecode(secret)])
}

/** True when the URL as written has a `:` in its user info (`user:@host`), which the URL parser drops with an empty password. */
function userInfoHasColon(text: string): boolean {
  const start = text.indexOf('//')
  const at = text.lastIndexOf('@')
  const colon = text.indexOf(':', start + 2)
  return start !== -1 && colon !== -1 && colon < at
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  }
  catch {
    return text
  }
}

/** The values of a request's headers named like a secret's (`x-api-key`, `authorization`), and a scheme's token alone (`Bearer <token>`). */
export function headerSecrets(headers: Record<string, string> | undefined): string[] {
  const secrets: string[] = []
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value !== 'string' || !SECRET_KEYS.test(name)) continue
    const trimmed = value.trim()
    const token = trimmed.split(/\s+/).pop() ?? ''
    secrets.push(...new Set([trimmed, token].filter(secret => secret !== '')))
  }
  return secrets
}

/** What a request's error is scrubbed of: the API key, the secrets the client was given (`configuredSecrets`), the request's secret headers. */
export function requestSecrets(apiKey: string, secrets: readonly string[] | undefined, headers: Record<string, string> | undefined): string[] {
  return [apiKey, ...(secrets ?? []), ...headerSecrets(headers)]
}

/** The secrets as a list, empty ones left out, longest first (a secret inside another is scrubbed with it). */
export function secretList(secrets: EchoedSecrets): string[] {
  const list = typeof secrets === 'string' ? [secrets] : [...secrets]
  return [...new Set(list.filter(secret => secret !== ''))].sort((a, b) => b.length - a.length)
}
