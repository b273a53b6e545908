/**
 * What a secret looks like in a log line's text and field names: the patterns the logger's
 * redaction (redaction.ts) replaces by `[redacted]`, and `redactText`, which applies them to one
 * string. Each pattern is linear in the text's length (a log line may quote megabytes).
 */

/**
 * A field (or a URL query parameter) named like a secret: its value is redacted whatever it is.
 * `api_key`, `apiKey`, `x-api-key`; `clientSecret`, `secretKey`, `aws_secret_access_key`; `passwd`,
 * `passphrase`; `privateKey`, `private_key`; `credentials`. An access key id (`accessKeyId`, S3's
 * `X-Amz-Credential`) names a key, it is none: kept, so a line still says which key was used.
 */
export const SECRET_KEYS = /(?:api[-_]?key|authorization|token|secret|password|passwd|passphrase|private[-_]?key|credentials|cookie)/i
/**
 * An `Authorization` (or `Proxy-Authorization`) header quoted as text — a header line, `name=value`,
 * a JSON or inspected object's `"authorization": "…"` — with its value: a scheme and its token
 * (`Basic <base64 of user:password>`, `Token …`, a bare token), or a scheme with parameters
 * (`Digest username="…", response="…"`, AWS's `AWS4-HMAC-SHA256 Credential=…, Signature=…`) to the
 * end of the line. Only after the header's name and a `:`/`=`: "authorization failed" is prose.
 */
const AUTHORIZATION_HEADER = /\b((?:proxy-)?authorization["']?\s*(?:=>|[:=])\s*["']?)(?:(?:digest|aws4-hmac-sha256|hawk|mutual|scram-sha-\d+|vapid|signature)\s[^\r\n]*|(?:basic|bearer|token|negotiate|ntlm|apikey|dpop|mac)\s+[^\s"',;]+|[^\s"',;]+)/gi
/**
 * A `Cookie` or `Set-Cookie` header quoted as text with its value: every `name=value` pair and
 * attribute up to the end of the header (a space, a quote or a line's end). "a cookie for" is prose.
 */
const COOKIE_HEADER = /\b((?:set-)?cookie2?["']?\s*(?:=>|[:=])\s*["']?)[^\s"';]+(?:;\s*[^\s"';]+)*/gi
/**
 * A key named like a secret in an object quoted as text, with its string value: JSON
 * (`{"client_secret":"…"}`: an OAuth or API endpoint's error quoting the body it got, a config a hook
 * stringified into its message) or Node's inspect (`{ password: '…' }`). Only the value is redacted,
 * and only a quoted one: a number, `null` or an object after the key (`"max_tokens":1000`,
 * `"tokens":{…}`) is kept. The name is checked in a bounded lookahead and the value read to its
 * closing quote, so the pattern stays linear.
 */
const SECRET_PAIR = new RegExp(`((?:(["'])|(?<![\\w.-]))(?=[\\w.-]{0,48}?(?:${SECRET_KEYS.source}))[\\w.-]{1,64}\\2\\s*(?:=>|:)\\s*(["']))(?:(?!\\3)[^\\\\\\r\\n]|\\\\.)*\\3`, 'gi')
/**
 * A bearer credential (the scheme is case-insensitive) or an API key by its usual prefix, where it
 * starts a word: a name with "sk-" inside (`risk-assessment`, `ask-for-approval`) is no key.
 * Also the documented shapes of the credentials an app's tools and hooks hold, each with the length
 * its issuer gives it (so `hf_model_name`, `npm_config_cache` stay): GitHub (`ghp_` and its
 * siblings, `github_pat_`), GitLab (`glpat-`), npm (`npm_`), Slack (`xoxb-<digits>-…`), Stripe
 * (`sk_live_`, `rk_test_`, …), Google API keys (`AIza` + 35), Hugging Face (`hf_`), a JWT
 * (`eyJ….eyJ….…`: a session or an ID token), and a Convex deploy key (`prod:<deployment>|<key>`).
 */
const SECRET_VALUE_SHAPES = [
  /bearer\s+[\w.~+/=-]+/,
  /sk-[\w-]{8,}/,
  /gh[pousr]_[a-z\d]{30,}/,
  /github_pat_\w{30,}/,
  /glpat-[\w-]{20,}/,
  /npm_[a-z\d]{30,}/,
  /xox[abpers]-\d{6,}-[\w-]+/,
  /[sr]k_(?:live|test)_[a-z\d]{16,}/,
  /AIza[\w-]{35}/,
  /hf_[a-z\d]{30,}/,
  // Only where a run of its characters starts: with `\b` alone, every `-eyJ` in a run such as
  // `eyJ-eyJ-…` would start a try that reads the run to its end (quadratic).
  /(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/,
  // A Convex deploy key: `prod:<deployment>|…`, `dev:…`, `preview:<team>:<project>|…`, `project:…`.
  /(?:prod|dev|preview|project):[\w-]+(?::[\w-]+)?\|[\w+/=-]{16,}/,
]
const SECRET_VALUES = new RegExp(`\\b(?:${SECRET_VALUE_SHAPES.map(shape => shape.source).join('|')})`, 'gi')
/**
 * The password of a URL's user info (`redis://user:PASSWORD@host`): up to the last `@` before a
 * space. A host's port followed by a path, query or fragment (`https://host:8443/u/bob@x.com`) is
 * no user info: a URL parser reads it as host and port, so it is kept — but only after a name that
 * is a host's (it has a dot, or is `localhost`): after a plain user name (`default`, `app`, none)
 * the digits are a password's start, and a password may hold a raw `/` (`user:2024/Zk9+aB@host`, a
 * base64 secret pasted in). The host test reads the name to its first dot, then to its end (no
 * backtracking over the dots). And only in a web URL (`http`, `https`, `ws`, `wss`: the lookbehind
 * in the lookahead reads the scheme; also after a `+`, as in a package manager's `git+https`): a
 * path with an `@` is theirs (`/@nuxt/kit`, `repo.git@v1.2.0`), while in a
 * connection string (`redis://`, `postgres://`, `amqp://`) an `@` ends the user info, so
 * `redis://first.last:12/ab@host` is a dotted user name and a password, not a host and a port.
 *
 * Linear in the text's length: a scheme starts only where a run of scheme characters starts (the
 * lookbehind), and the rest of the word is taken whole and searched for its last `@` in code — no
 * backtracking. The earlier pattern (`\b` and `\S*@`) tried every position of a long run such as
 * `a.a.a.…` or `a://a://…` to its end: 40,000 characters held the event loop for seconds.
 */
const URL_PASSWORD = /((?<![a-z\d+.-])[a-z][a-z\d+.-]*:\/\/(?!(?<=(?<![a-z\d+.-])(?:[a-z][a-z\d.-]*\+)?(?:https?|wss?):\/\/)(?:[^\s:/?#@.]*\.[^\s:/?#@]*|localhost):\d{1,5}[/?#])[^\s:/?#@]*:)(\S*)/gi

/** A URL's user info with its password redacted (see `URL_PASSWORD`); a word with no `@` is kept. */
function redactUrlPassword(match: string, start: string, rest: string): string {
  const at = rest.lastIndexOf('@')
  return at < 0 ? match : `${start}[redacted]${rest.slice(at)}`
}

/**
 * The same for the last word of a text cut inside it (log-cut.ts): its `@` may come after the cut,
 * and an `@` before it may be the password's own, so the word is redacted from the password to its end.
 */
function redactCutUrlPassword(match: string, start: string, rest: string, offset: number, text: string): string {
  return offset + match.length === text.length ? `${start}[redacted]` : redactUrlPassword(match, start, rest)
}
/**
 * A Redis (or Valkey) URL's user info without a `:` (`redis://s3cr3t@host`): a password written in
 * the user's place as often as a user name, so hidden whole, as the provider's own messages do
 * (providers/redis-url-redaction.ts, whose `***` is kept). Another scheme's user name
 * (`postgres://app@db`, `ssh://git@host`) is a name. At the end of a cut text (its `@` past the
 * cut), the user info is hidden too.
 */
const REDIS_USER_INFO = /((?<![a-z\d+.-])(?:redis|rediss|valkey|valkeys):\/\/)([^\s:/?#@]+)(@|$)/gi

/** A Redis URL's user info hidden (see `REDIS_USER_INFO`); `cutWord`: also when the text ends in it. */
function redactRedisUserInfo(cutWord: boolean) {
  return (match: string, scheme: string, userInfo: string, at: string): string => (userInfo === '***' || (!at && !cutWord) ? match : `${scheme}[redacted]${at}`)
}
const redactRedisUser = redactRedisUserInfo(false)
const redactCutRedisUser = redactRedisUserInfo(true)

/**
 * The value of a URL's query or fragment parameter named like a secret field (`access_token`,
 * `api_key`, `client_secret`, `password`), or `key` (an API key in the query), or a signed URL's
 * signature (`X-Amz-Signature`, `X-Goog-Signature`, CloudFront's `Signature`, Azure SAS `sig`,
 * Firebase's `auth`: anyone holding the URL can use it until it expires): `$fetch` puts the whole
 * URL in its error's message, so a hook's failing call would log the token it sent.
 *
 * The name is checked in the pattern (the lookahead: `SECRET_KEYS` or `signature` within the name,
 * or exactly `key`, `sig` or `auth`), so
 * only a secret's parameter is a match. Matching every parameter and deciding in a callback cost a
 * call per `&a=b` pair: 3.2 MB of them held the event loop for about 1.8 s. The lookahead reads
 * only the name's characters after one separator, so the pattern stays linear.
 */
const QUERY_PARAMETER = new RegExp(`([?&#;](?=[\\w.~%-]*?(?:${SECRET_KEYS.source}|signature)|(?:key|sig|auth)=)[\\w.~%-]+=)[^&#\\s"'<>]+`, 'gi')

/**
 * A `name=value` assignment outside a URL whose name is a secret field's (SECRET_KEYS): an
 * environment variable quoted as text (`NUXT_BACKGROUND_JOBS_COOKIE_SECRET=…`, `DB_PASSWORD=…`: a
 * command line in a child process's error, an env dump), a form body's first pair
 * (`client_secret=…&grant_type=…`, which has no `?` or `&` before it). Its value is redacted to the
 * next space, quote, `&`, `;` or `,`. Unlike QUERY_PARAMETER, a bare `key=`, `sig=` or `auth=` is
 * kept here: outside a URL it is as often prose ("lookup key=order-42"). Linear as QUERY_PARAMETER:
 * a name starts where a run of its characters starts, and the lookahead reads at most 48 of them.
 */
const SECRET_ASSIGNMENT = new RegExp(`((?<![\\w.~%-])(?=[\\w.-]{0,48}?(?:${SECRET_KEYS.source}))[\\w.-]{1,64}=)[^&#\\s"'<>;,]+`, 'gi')

/**
 * A header (or a YAML-like `name: value` line) whose name is a secret field's, written as text with
 * an unquoted value after `: `: `X-Api-Key: 3f9a…`, `X-Auth-Token: …`, `Private-Token: …` (an HTTP
 * client's error dumping the request headers), `db_password: hunter2`. `Authorization` and `Cookie`
 * have their own patterns above; a quoted value is SECRET_PAIR's. Only a name that reads as a header
 * or a field — it has a `-` or `_`, or is one of `password`, `passwd`, `passphrase`, `apikey`,
 * `secret` — so "token: expired" of prose stays (while "password: hunter2" is hidden, and with it a
 * sentence's "password: too short"). A number, `true`/`false`/`null` after the colon is kept
 * (`max_tokens: 1000` in a usage dump), and so is a stack frame's `auth-token.mjs:10:5` (no space
 * after its colon). Linear as SECRET_ASSIGNMENT.
 */
const SECRET_HEADER_LINE = new RegExp(`((?<![\\w.~%-])(?=[\\w.-]{0,48}?(?:${SECRET_KEYS.source}))([\\w.-]{1,64}):[ \\t]+)([^\\s"'<>;,]+)`, 'gi')
const BARE_SECRET_NAMES = /^(?:password|passwd|passphrase|apikey|secret)$/i
const KEPT_HEADER_VALUES = /^(?:\d+(?:\.\d+)?|true|false|null|\[redacted\])$/i

/** A `SECRET_HEADER_LINE` match with its value redacted, where the name reads as a field's and the value is no number. */
function redactHeaderLine(match: string, start: string, name: string, value: string): string {
  if (!/[-_]/.test(name) && !BARE_SECRET_NAMES.test(name)) return match
  // A "value" ending in a colon is the next name (`password: username: bob`), not a secret.
  return KEPT_HEADER_VALUES.test(value) || value.endsWith(':') ? match : `${start}[redacted]`
}

/** `text` with its secrets redacted; `cutWord`: its last word goes on past it (`redactCutUrlPassword`). */
export function redactText(text: string, cutWord = false): string {
  return text.replace(AUTHORIZATION_HEADER, '$1[redacted]').replace(COOKIE_HEADER, '$1[redacted]').replace(SECRET_PAIR, '$1[redacted]$3').replace(SECRET_VALUES, '[redacted]').replace(URL_PASSWORD, cutWord ? redactCutUrlPassword : redactUrlPassword).replace(REDIS_USER_INFO, cutWord ? redactCutRedisUser : redactRedisUser).replace(QUERY_PARAMETER, '$1[redacted]').replace(SECRET_ASSIGNMENT, '$1[redacted]').replace(SECRET_HEADER_LINE, redactHeaderLine)
}
