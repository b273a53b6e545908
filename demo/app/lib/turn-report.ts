/** Failure codes of a job cut off by its server (a graceful restart, a lost lease): worth a retry. */
export const INTERRUPTED_CODES: readonly string[] = ['shutdown', 'owner-lost']

/**
 * What each turn of a thread reports to the thread (its status, connection, whether it waits for
 * the user), and what the thread derives from those reports: the one line above the composer, the
 * turn Stop applies to, and the turn that holds the next message back. Pure, so it is unit-tested.
 */
import type { JobStatus } from '../../../shared/events'
import type { JobState } from '../../../shared/reducer'
import type { JobConnectionState } from '../../../app/lib/job-stream'

/** What a turn tells its thread. */
export interface TurnReport {
  answer: string
  /** The job's status, or `lost` (the server no longer has it) / `connecting` (no state yet). */
  status: JobStatus | 'lost' | 'connecting'
  /** Not finished yet: queued, running or waiting (also while its state is still on its way). */
  active: boolean
  waiting: boolean
  /** Waiting, and only for client tools' outputs (the browser's, decision 44): nothing the user can answer here. */
  waitingForBrowser?: boolean
  /**
   * Its state is still on its way (a thread opened from the list, before the job's snapshot came):
   * what it asked and answered is not known yet, so it cannot be history yet.
   */
  loading: boolean
  connection: JobConnectionState
}

/**
 * The line above the composer: the server refusing (signed out), the connection while the server
 * is away, else a question waiting (`browser`: only for a browser tool's output, not the user's answer).
 */
export type ThreadStatusLine =
  | { kind: 'denied' | 'offline' | 'reconnecting', jobId: string }
  | { kind: 'waiting', jobId: string, browser?: true }
  | null

/** Why the thread holds the next message back: its newest unfinished turn and what it is doing (`browser`: as in `ThreadStatusLine`). */
export type ThreadHold =
  | { kind: 'running' | 'away', jobId: string }
  | { kind: 'waiting', jobId: string, browser?: true }
  /** The thread's turns, or a turn's answer, still on their way: sent now, the message would go without them as history. */
  | { kind: 'loading' }
  | null

/** Not followed live: the server is away, or it refused (401/403: signed out) and the follower stopped. */
function isAway(report: TurnReport): boolean {
  return report.connection === 'offline' || report.connection === 'reconnecting' || report.connection === 'denied'
}

/** Picks the line for a thread's reports (oldest turn first). */
export function threadStatusLine(reports: ReadonlyArray<[jobId: string, report: TurnReport]>): ThreadStatusLine {
  const denied = reports.find(([, report]) => report.active && report.connection === 'denied')
  if (denied) return { kind: 'denied', jobId: denied[0] }
  const away = reports.filter(([, report]) => report.active && isAway(report))
  if (away.length) {
    const offline = away.find(([, report]) => report.connection === 'offline')
    return { kind: offline ? 'offline' : 'reconnecting', jobId: (offline ?? away[0]!)[0] }
  }
  const waiting = reports.filter(([, report]) => report.waiting).at(-1)
  return waiting ? { kind: 'waiting', jobId: waiting[0], ...browserOnly(waiting[1]) } : null
}

/** The job Stop applies to: the newest turn still running (or queued/waiting) while its server is reachable, if any. */
export function stoppableJob(reports: ReadonlyArray<[jobId: string, report: TurnReport]>): string | null {
  const active = reports.filter(([, report]) => report.active && !isAway(report)).at(-1)
  return active ? active[0] : null
}

/**
 * The turn that holds the next message back, as a chat app does: while an answer is unfinished the
 * next message would be sent without it (or with half of it), so it waits. So it does while the
 * thread's turns (`turnsLoading`: its list not read yet) or a turn's answer are still on their way:
 * the message would go to the model without the conversation before it. Null when sending is free.
 */
export function threadHold(reports: ReadonlyArray<[jobId: string, report: TurnReport]>, turnsLoading = false): ThreadHold {
  const unfinished = reports.filter(([, report]) => report.active)
  if (!unfinished.length) return turnsLoading || reports.some(([, report]) => report.loading) ? { kind: 'loading' } : null
  const [jobId, report] = unfinished.at(-1)!
  const away = unfinished.some(([, other]) => isAway(other))
  if (away) return { kind: 'away', jobId }
  return report.waiting ? { kind: 'waiting', jobId, ...browserOnly(report) } : { kind: 'running', jobId }
}

/** `{ browser: true }` when the turn waits only for the browser's outputs. */
function browserOnly(report: TurnReport): { browser?: true } {
  return report.waitingForBrowser ? { browser: true } : {}
}

/**
 * `next`, or `previous` when it says the same (the same kind, for the same job). The thread derives
 * its line and its hold again from every report — each streamed piece of an answer — and a new
 * object saying the same would render the whole thread again: the one it had is kept instead.
 */
export function keptIfSame<Line extends ThreadStatusLine | ThreadHold>(previous: Line | undefined, next: Line): Line {
  if (!previous || !next || previous.kind !== next.kind) return next
  if (('browser' in previous && previous.browser) !== ('browser' in next && next.browser)) return next
  return ('jobId' in previous ? previous.jobId : null) === ('jobId' in next ? next.jobId : null) ? previous : next
}

/**
 * True when a completed answer stopped because the model reached its output limit (its last
 * round's `finish_reason` is `length`, or Mistral's `model_length`: its context window): the text
 * ends mid-thought, and a chat app says so.
 */
export function cutOffByLength(state: Pick<JobState, 'status' | 'steps'> | null | undefined): boolean {
  const reason = state?.status === 'completed' ? state.steps.at(-1)?.finishReason : undefined
  return reason === 'length' || reason === 'model_length'
}

/**
 * True when a completed answer stopped because the provider's content filter cut it (its last
 * round's `finish_reason` is `content_filter`, after some text: with none the job fails).
 */
export function cutOffByFilter(state: Pick<JobState, 'status' | 'steps'> | null | undefined): boolean {
  return state?.status === 'completed' && state.steps.at(-1)?.finishReason === 'content_filter'
}
