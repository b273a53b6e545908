/**
 * Words for people where the API speaks to developers: validation messages, failed requests, why
 * the composer holds a message, what happens when an input request expires, titles without
 * Markdown. Pure, so it is unit-tested.
 */
import { apiErrorStatus } from '../../../app/lib/api-error'
import type { InputTimeoutAction } from '../../../shared/events'
import type { ThreadHold } from './turn-report'

const ZOD_PHRASES: Array<[RegExp, (match: RegExpExecArray) => string]> = [
  [/^Too small: expected string to have >=1 characters?$/, () => 'can\'t be empty'],
  [/^Too small: expected string to have >=(\d+) characters?$/, match => `needs at least ${match[1]} characters`],
  [/^Too big: expected string to have <=(\d+) characters?$/, match => `is too long (at most ${match[1]} characters)`],
  [/^Too small: expected number to be >=(\S+)$/, match => `must be at least ${match[1]}`],
  [/^Too big: expected number to be <=(\S+)$/, match => `must be at most ${match[1]}`],
  [/^Invalid input: expected (\w+), received (\w+)$/, match => (match[2] === 'undefined' ? 'is required' : `must be a ${match[1]}`)],
]

/** `dueDate` / `due_date` → `due date`. */
function fieldWords(path: string): string {
  const last = path.split('.').filter(part => !/^\d+$/.test(part)).pop() ?? path
  return last.replace(/[_-]+/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/**
 * A server's 400 message in plain words: `Invalid workflow input: input.topic: Too small: expected string
 * to have >=1 characters` → `The topic can't be empty.` Messages it does not recognise pass through.
 */
export function humanizeProblem(message: string): string {
  const body = message.replace(/^Invalid (?:workflow input|answer|request body|body): /i, '')
  // A workflow input's and an answer's fields are named under the body's field (`input.topic`,
  // `answer.approved`; `answer` alone is the whole answer).
  const root = /^Invalid workflow input: /i.test(message) ? 'input' : /^Invalid answer: /i.test(message) ? 'answer' : null
  const issues = body.split('; ')
  const sentences: string[] = []
  for (const issue of issues) {
    const separator = issue.indexOf(': ')
    if (separator < 0) return message
    const named = issue.slice(0, separator)
    const path = root && named === root ? root : root && named.startsWith(`${root}.`) ? named.slice(root.length + 1) : named
    const text = issue.slice(separator + 2)
    const phrase = ZOD_PHRASES.map(([pattern, say]) => {
      const match = pattern.exec(text)
      return match ? say(match) : null
    }).find(Boolean)
    if (!phrase || !/^[\w.]+$/.test(path)) return message
    sentences.push(path === '(root)' || path === 'body' ? `The answer ${phrase}.` : `The ${fieldWords(path)} ${phrase}.`)
  }
  return sentences.map(capitalize).join(' ')
}

/** What did not happen when a request failed, for `failureText`. */
export type FailedAction = 'send' | 'retry' | 'stop' | 'answer' | 'load' | 'open' | 'threads' | 'refresh' | 'more' | 'delete' | 'rename'

const NOT_DONE: Record<FailedAction, string> = {
  send: 'your message wasn’t sent',
  // A Retry refused: the answer it was to replace is still there, as it was.
  retry: 'the answer wasn’t retried',
  stop: 'the answer wasn’t stopped',
  answer: 'your answer wasn’t sent',
  load: 'the earlier messages weren’t loaded',
  open: 'the conversation wasn’t loaded',
  threads: 'your threads weren’t loaded',
  refresh: 'the thread list wasn’t refreshed',
  more: 'no more threads were loaded',
  delete: 'the thread wasn’t deleted',
  rename: 'the thread wasn’t renamed',
}

/** A request that got no answer at all: `Couldn’t reach the server — your message wasn’t sent. Try again.` */
export function unreachableText(action: FailedAction): string {
  return `Couldn’t reach the server — ${NOT_DONE[action]}. Try again.`
}

/**
 * A failed request in plain words. The server's own message (an HTTP error with a body) is shown,
 * in plain words where `humanizeProblem` knows it; a request that got no answer (the server is down,
 * the network is gone) or an error page of a proxy in front of it gets a sentence, never the fetch
 * library's `[POST] "/api/jobs": <no response> Failed to fetch`.
 */
export function failureText(failure: unknown, action: FailedAction): string {
  const status = apiErrorStatus(failure)
  const serverMessage = (failure as { data?: { message?: unknown } } | null)?.data?.message
  if (status === 429) return limitText(typeof serverMessage === 'string' ? serverMessage : '', retryAfterOf(failure), action)
  if (typeof serverMessage === 'string' && serverMessage) return humanizeProblem(serverMessage)
  if (status === undefined) return unreachableText(action)
  if (status >= 500) return `The server had a problem — ${NOT_DONE[action]}. Try again.`
  return `Something went wrong (error ${status}) — ${NOT_DONE[action]}. Try again.`
}

/**
 * A limit said no (429), in the user's words rather than the operator's (`You already have 1 jobs
 * running (limits.maxConcurrentJobsPerUser)…`): too many of their own answers at once, or a busy
 * server with how long to wait when it says.
 */
function limitText(serverMessage: string, retryAfterSeconds: number | undefined, action: FailedAction): string {
  if (serverMessage.includes('maxConcurrentJobsPerUser')) {
    return `Too many of your answers are running or waiting for you at once — ${NOT_DONE[action]}. Wait for one to finish, answer or stop one, then try again.`
  }
  const wait = retryAfterSeconds ? `Try again in ${retryAfterSeconds} s.` : 'Try again in a moment.'
  return `Too many requests right now — ${NOT_DONE[action]}. ${wait}`
}

/** The seconds a 429 asks to wait: its `Retry-After` header, else the `retry in N s` of its message. */
function retryAfterOf(failure: unknown): number | undefined {
  const candidate = failure as { cause?: { response?: Response }, response?: Response, data?: { message?: unknown } } | null
  const header = (candidate?.response ?? candidate?.cause?.response)?.headers?.get('retry-after')
  const fromMessage = typeof candidate?.data?.message === 'string' ? /\b(?:retry|try again) in (\d+) s\b/i.exec(candidate.data.message)?.[1] : undefined
  const seconds = Number(header ?? fromMessage)
  return Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds) : undefined
}

/** Why the composer does not send now (`threadHold`), in a few words. */
export function holdText(hold: NonNullable<ThreadHold>): string {
  // A browser tool's output: nobody answers it on this page (InputPrompt.vue says so).
  if (hold.kind === 'waiting' && hold.browser) return 'The job waits for a browser tool’s output; stop it to go on without it.'
  if (hold.kind === 'waiting') return 'Answer the job’s question, or stop it, first.'
  if (hold.kind === 'away') return 'Wait for the server to come back.'
  if (hold.kind === 'loading') return 'Wait for the conversation to load.'
  return 'Wait for this answer to finish, or stop it.'
}

const TIMEOUT_CONSEQUENCES: Record<InputTimeoutAction, string> = {
  deny: 'the call is denied',
  approve: 'the call goes ahead',
  abort: 'the job stops',
  fail: 'the job fails',
  default: 'it goes on with its default answer',
}

/** `If nobody answers by 6:04 PM, the call is denied.` */
export function expiryText(onTimeout: InputTimeoutAction, localTime: string): string {
  return `If nobody answers by ${localTime}, ${TIMEOUT_CONSEQUENCES[onTimeout] ?? 'the job goes on without an answer'}.`
}

/**
 * A title without Markdown: `**Fix** the [docs](https://x)` → `Fix the docs`. Emphasis goes only
 * where it is a pair that opens before a character and closes after one, so `17 * 23` keeps its
 * star. No HTML involved.
 */
export function plainTitle(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]\n]*)\]\([^)\n]*\)/g, '$1')
    .replace(/^\s{0,3}(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)/gm, '')
    .replace(/(\*{1,3}|~~)(?=\S)([^\n]*?\S)\1/g, '$2')
    .replace(/`+/g, '')
    // Underscores mark emphasis only at a word's edge: snake_case_names keep theirs.
    .replace(/(?<![\p{L}\p{N}])_+|_+(?![\p{L}\p{N}])/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
}
