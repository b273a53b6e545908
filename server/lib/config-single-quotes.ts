/**
 * Text settings whose variable wrote the value in single quotes. `docker run --env-file` (and a
 * Kubernetes or CI secret pasted from a `.env` file) passes `KEY='value'` on with its quotes; Nitro's
 * destr takes double quotes off (`"value"` is JSON) but keeps single ones, so the quotes became part
 * of the value: an API key `'sk-…'` failed every job on the upstream's 401, a metrics token or a
 * Convex secret never matched, a key prefix `'myapp:'` put quotes into every key. Read without them,
 * as a value in double quotes is, and so are numbers (`'5'`; on/off words: config-booleans.ts). Only
 * a value its variable gave (not one from nuxt.config).
 *
 * Except the settings that name stored data (`KEPT_AS_WRITTEN`): a quoted cookie secret or Redis key
 * prefix always worked (the same quoted value sealed and unsealed every cookie, named every key), so
 * taking the quotes off on an upgrade would make every anonymous visitor a new user and every stored
 * job a 404, its keys left in Redis for good — what refusing to trim the prefix avoids (config.ts).
 */

/** Settings read exactly as written, quotes included: the value identifies stored data. */
export const KEPT_AS_WRITTEN: ReadonlySet<string> = new Set(['cookieSecret', 'cookieSecretPrevious', 'redisKeyPrefix'])

/** `'…'` around the whole value, spaces outside it allowed. */
export const SINGLE_QUOTED = /^\s*'([^]*)'\s*$/

/** A decimal number as JSON writes it. */
const DECIMAL_NUMBER = /^-?\d+(\.\d+)?([Ee][+-]?\d+)?$/

/** Takes the single quotes off each text or number setting whose variable wrote them; `envNameOf` names a key's variable. */
export function singleQuotedTextsUnquoted(config: object, defaults: object, env: Record<string, string | undefined>, envNameOf: (key: string) => string, prefix = ''): void {
  const values = config as Record<string, unknown>
  for (const [name, fallback] of Object.entries(defaults)) {
    const value = values[name]
    const key = `${prefix}${name}`
    if (fallback !== null && typeof fallback === 'object') {
      if (value !== null && typeof value === 'object') singleQuotedTextsUnquoted(value, fallback, env, envNameOf, `${key}.`)
      continue
    }
    if (typeof value !== 'string' || KEPT_AS_WRITTEN.has(key)) continue
    const quoted = SINGLE_QUOTED.exec(value)
    if (!quoted || env[envNameOf(key)]?.trim() !== value.trim()) continue
    // A number in them (`'5'`) is read as the number, as `"5"` is (config.ts, quotedNumbersAsNumbers).
    if (typeof fallback === 'string') values[name] = quoted[1]
    else if (typeof fallback === 'number' && DECIMAL_NUMBER.test(quoted[1]!.trim())) values[name] = Number(quoted[1]!.trim())
  }
}
