/**
 * Property-based fuzzing of the HTTP routes with fast-check: random JSON bodies, raw bodies,
 * ids, query strings and Last-Event-ID values against a running server. The only property:
 * the server never answers 5xx (and never drops the connection). Streams are cut right after
 * their status line, so an accidental real stream never hangs the run.
 */
import fc from 'fast-check'

/** Runs per property; the total is reported by `fuzzRoutes`. */
export const FUZZ_RUNS = { bodies: 250, ids: 250, lastEventIds: 200, queries: 150 } as const

/** Distinct anonymous users the requests are spread over (per-user rate limits stay out of the way). */
const USERS = 30

/** What a run found. */
export interface FuzzReport {
  cases: number
  statuses: Record<number, number>
  serverErrors: Array<{ method: string, path: string, status: number | string, body?: string }>
}

const ROLE = fc.oneof(fc.constantFrom('user', 'assistant', 'system', 'tool', 'developer'), fc.string({ maxLength: 10 }))
const MESSAGE = fc.record({ role: ROLE, content: fc.oneof(fc.string({ maxLength: 50 }), fc.jsonValue({ maxDepth: 2 })), name: fc.string({ maxLength: 5 }) }, { requiredKeys: [] })
const CHAT_BODY = fc.record({
  messages: fc.oneof(fc.array(MESSAGE, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
  model: fc.oneof(fc.string({ maxLength: 30 }), fc.integer()),
  tools: fc.oneof(fc.array(fc.string({ maxLength: 12 }), { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 })),
  threadId: fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 1 })),
  messageId: fc.string({ maxLength: 30 }),
}, { requiredKeys: [] })
const WORKFLOW_BODY = fc.record({ workflow: fc.oneof(fc.constantFrom('research-report', 'parallel-brainstorm'), fc.string({ maxLength: 20 })), input: fc.jsonValue({ maxDepth: 3 }) }, { requiredKeys: ['workflow'] })
// Mostly valid chat bodies with random extras, so jobs really start (and run) during the fuzz.
const VALID_CHAT = fc.record({
  messages: fc.array(fc.record({ role: fc.constantFrom('user', 'assistant', 'system'), content: fc.string({ maxLength: 40 }) }), { minLength: 1, maxLength: 3 }),
  tools: fc.array(fc.constantFrom('calculate', 'delete_file', 'fixture_word_count', 'nope'), { maxLength: 2 }),
  threadId: fc.string({ minLength: 1, maxLength: 20 }),
  extra: fc.jsonValue({ maxDepth: 2 }),
}, { requiredKeys: ['messages'] })
const BODY = fc.oneof(
  VALID_CHAT.map(value => JSON.stringify(value)),
  CHAT_BODY.map(value => JSON.stringify(value)),
  WORKFLOW_BODY.map(value => JSON.stringify(value)),
  fc.jsonValue({ maxDepth: 3 }).map(value => JSON.stringify(value)),
  fc.string({ maxLength: 80 }),
  fc.constant(''),
)
const ID = fc.oneof(fc.string({ maxLength: 40 }), fc.uuid(), fc.constantFrom('..', '.', '%00', 'catalog', 'metrics', '\u0000', '😀', 'a'.repeat(300)))
const HEADER_VALUE = fc.stringMatching(/^[\x20-\x7E]{0,30}$/)

/** Sends one request; resolves with the status (or 'connection-error'). */
async function send(baseUrl: string, method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number | string, text?: string }> {
  const controller = new AbortController()
  try {
    const response = await fetch(`${baseUrl}${path}`, { method, body, headers: { 'content-type': 'application/json', ...headers }, signal: controller.signal })
    const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream')
    const text = isStream ? undefined : await response.text()
    return { status: response.status, text }
  }
  catch (error) {
    return { status: `connection-error: ${(error as Error).message}` }
  }
  finally {
    controller.abort()
  }
}

/** Runs every property against `baseUrl`. */
export async function fuzzRoutes(baseUrl: string): Promise<FuzzReport> {
  const report: FuzzReport = { cases: 0, statuses: {}, serverErrors: [] }
  const cookies: string[] = []
  for (let index = 0; index < USERS; index++) {
    const response = await fetch(`${baseUrl}/api/jobs`)
    cookies.push(response.headers.getSetCookie()[0]!.split(';')[0]!)
  }
  // A real job of the first user, so stream and input routes get past the ownership check.
  const created = await fetch(`${baseUrl}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json', 'cookie': cookies[0]! }, body: JSON.stringify({ messages: [{ role: 'user', content: 'fuzz target' }] }) })
  const ownJobId = ((await created.json()) as { id: string }).id

  const check = async (method: string, path: string, body?: string, headers: Record<string, string> = {}) => {
    const result = await send(baseUrl, method, path, body, headers)
    report.cases++
    if (typeof result.status === 'number') report.statuses[result.status] = (report.statuses[result.status] ?? 0) + 1
    if (typeof result.status !== 'number' || result.status >= 500) report.serverErrors.push({ method, path, status: result.status, body: result.text?.slice(0, 200) })
  }
  const cookieOf = (index: number) => ({ cookie: cookies[index % cookies.length]! })

  await fc.assert(fc.asyncProperty(BODY, fc.nat(USERS - 1), fc.constantFrom('/api/jobs', `/api/jobs/${ownJobId}/input`), async (body, user, path) => {
    await check('POST', path, body, cookieOf(user))
  }), { numRuns: FUZZ_RUNS.bodies })

  const routes = [['GET', ''], ['GET', '/stream'], ['POST', '/abort'], ['POST', '/input']] as const
  await fc.assert(fc.asyncProperty(ID, fc.constantFrom(...routes), fc.nat(3), async (id, [method, suffix], user) => {
    await check(method, `/api/jobs/${encodeURIComponent(id)}${suffix}`, method === 'POST' ? '{"requestId":"r","answer":"approve"}' : undefined, cookieOf(user))
  }), { numRuns: FUZZ_RUNS.ids })

  await fc.assert(fc.asyncProperty(HEADER_VALUE, fc.string({ maxLength: 20 }), fc.boolean(), async (lastEventId, after, useQuery) => {
    const query = useQuery ? `?after=${encodeURIComponent(after)}` : ''
    await check('GET', `/api/jobs/${ownJobId}/stream${query}`, undefined, { ...cookieOf(0), 'last-event-id': lastEventId })
    await check('GET', `/api/jobs/notifications${query}`, undefined, { ...cookieOf(1), 'last-event-id': lastEventId })
  }), { numRuns: FUZZ_RUNS.lastEventIds })

  const queryPart = fc.tuple(fc.constantFrom('status', 'threadId', 'messageId', 'limit', 'before', 'after', 'format', 'x'), fc.string({ maxLength: 20 }))
  await fc.assert(fc.asyncProperty(fc.array(queryPart, { maxLength: 4 }), fc.nat(3), async (parts, user) => {
    const query = parts.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join('&')
    await check('GET', `/api/jobs?${query}`, undefined, cookieOf(user))
    await check('GET', `/api/jobs/catalog?${query}`, undefined, cookieOf(user))
    await check('GET', `/api/jobs/threads?${query}`, undefined, cookieOf(user))
  }), { numRuns: FUZZ_RUNS.queries })
  return report
}
