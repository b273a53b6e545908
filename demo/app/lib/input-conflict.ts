/**
 * The server's 409 for an answer to a question that is no longer open, in the user's words. The
 * answer box said "This request was already answered or has expired." whatever the server said,
 * though the server says which (server/lib/input-requests.ts `settledReason`, ended-input-conflict.ts,
 * stored-answer.ts): answered (at what time), expired with its timeout answer taken, withdrawn,
 * asked again under a new id after a takeover (answer the new one), its job ended, or the answer
 * not saved (answer the question asked again). The time it names is shown in local time; the
 * request's id is left out. A 409 without the server's words (a proxy's) keeps the old sentence.
 */
import type { InputRequestKind } from '../../../shared/events'

/** What a 409 says when the server's own words are not there. */
export const ANSWER_GONE_TEXT = 'This request was already answered or has expired.'

/** `3:04 PM` in the reader's locale and time zone. */
function shortLocalTime(at: Date): string {
  return at.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' })
}

const SERVER_CONFLICT = /^Input request \S+ (.+)$/s
const AT = / ?\(at (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)\)/

/** The 409 `message` of an answer to a request of `kind`, as a sentence for the answer box. */
export function answerConflictText(message: string, kind: InputRequestKind, localTime: (at: Date) => string = shortLocalTime): string {
  const reason = SERVER_CONFLICT.exec(message)?.[1]
  if (!reason) return ANSWER_GONE_TEXT
  const stamp = AT.exec(reason)?.[1]
  const at = stamp ? ` at ${localTime(new Date(stamp))}` : ''
  const subject = kind === 'tool-approval' ? 'This approval' : 'This question'
  // Settled before the job ended (the server adds `; its job has ended since`): the job does not go on.
  if (reason.startsWith('was already answered (') && reason.endsWith('; its job has ended since')) return `${subject} was already answered${at}, and the job has ended since.`
  if (reason.startsWith('was already answered (')) return `${subject} was already answered${at} — the job goes on with that answer.`
  if (reason.startsWith('expired (')) return `${subject} expired${at}: nobody answered in time, so its default answer was taken.`
  if (reason.startsWith('was withdrawn (')) return `${subject} was withdrawn${at}: the job no longer waits for an answer to it.`
  if (reason.startsWith('was asked again under a new id')) return `${subject} was asked again${at}, after another server took the job over — answer the new one.`
  if (reason.startsWith('was not stored:')) return 'Your answer wasn’t saved: the job stopped on its server first. It asks again — answer the new question.'
  if (reason === 'belongs to a job that has ended' || reason === 'is not pending: its job has ended') return 'The job has ended — it no longer takes answers.'
  // Words this does not know (a newer server's): the server's own, without the request's id.
  return `${subject} ${reason.replace(AT, at)}${/[.!?]$/.test(reason) ? '' : '.'}`
}
