/** Failure codes of a job cut off by its server (a graceful restart, a lost lease): worth a retry. */
export const INTERRUPTED_CODES: readonly string[] = ['shutdown', 'owner-lost']

/**
 * What each turn of a thread reports to the thread (its status, connection, whether it waits for
 * the user), and the one line the thread shows above the composer from those reports. Pure, so it
 * is unit-tested.
 */
import type { JobStatus } from '../../../shared/events'
import type { JobConnectionState } from '../../../app/lib/job-stream'

/** What a turn tells its thread. */
export interface TurnReport {
  answer: string
  /** The job's status, or `lost` (the server no longer has it) / `connecting` (no state yet). */
  status: JobStatus | 'lost' | 'connecting'
  active: boolean
  waiting: boolean
  connection: JobConnectionState
}

/** The line above the composer: the connection while the server is away, else a question waiting. */
export type ThreadStatusLine =
  | { kind: 'offline' | 'reconnecting', jobId: string }
  | { kind: 'waiting', jobId: string }
  | null

/** Picks the line for a thread's reports (oldest turn first). */
export function threadStatusLine(reports: ReadonlyArray<[jobId: string, report: TurnReport]>): ThreadStatusLine {
  const away = reports.filter(([, report]) => report.active && (report.connection === 'offline' || report.connection === 'reconnecting'))
  if (away.length) {
    const offline = away.find(([, report]) => report.connection === 'offline')
    return { kind: offline ? 'offline' : 'reconnecting', jobId: (offline ?? away[0]!)[0] }
  }
  const waiting = reports.filter(([, report]) => report.waiting).at(-1)
  return waiting ? { kind: 'waiting', jobId: waiting[0] } : null
}

/** The job Stop applies to: the newest turn still running (or queued/waiting) while its server is reachable, if any. */
export function stoppableJob(reports: ReadonlyArray<[jobId: string, report: TurnReport]>): string | null {
  const active = reports.filter(([, report]) => report.active && report.connection !== 'offline' && report.connection !== 'reconnecting').at(-1)
  return active ? active[0] : null
}
