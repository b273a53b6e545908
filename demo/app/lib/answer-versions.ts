/**
 * A thread as ChatGPT and Claude show it: one turn per user message, the answers to it as versions
 * in place ("‹ 2 / 3 ›"). The jobs that answer the same message (the main chat's Regenerate and
 * Retry, an edit, an /ai-sdk regeneration: `messageId`) are one turn's versions, oldest first; the
 * newest is the one the conversation goes on with (`buildHistory`, lib/threads.ts). Derived from the
 * server's jobs, so the versions are the same in every tab and after a reload.
 *
 * The turns are in the order the model reads them (`currentTurns`, shared/current-turns.ts): a new
 * version of the newest turn stays in place; one of an earlier turn (a Retry of a failed turn
 * with answers after it) was written after those answers, with them as history, so its turn moves
 * after them. A turn an /ai-sdk edit of an earlier message dropped is not shown.
 */
import { currentTurns } from '../../../shared/current-turns'
import type { ThreadJob } from './known-jobs'
import type { TurnReport } from './turn-report'
import { messageKeyOf, sortOldestFirst } from './threads'

/** One turn of the thread: a user message and its answers. */
export interface TurnVersions {
  /**
   * The message the versions answer (`messageKeyOf`), so it stays the same as versions come and go
   * (a lost turn's Retry takes the lost job's place): the turn's Vue key, the key of the version chosen.
   */
  key: string
  /** Oldest first; the last is the newest, shown unless another is chosen. Never empty. */
  versions: ThreadJob[]
}

/** The version the user chose to see, and the newest version when they did: a newer one shows instead. */
export interface VersionChoice {
  jobId: string
  newestId: string
}

/** The newest of a turn's versions. */
export function newestVersion(turn: TurnVersions): ThreadJob {
  return turn.versions.at(-1)!
}

/**
 * The thread's turns with their versions, in the order shown. `jobs`: the thread's jobs, any order.
 * Chat jobs are grouped and ordered by the place-and-drop rule; workflows by the message they
 * answer (a workflow's Retry posts it too). A job the server no longer lists (`missing`, shown as
 * lost) is a version of the turn of its message when that turn is shown, else a turn of its own —
 * and only while it is that turn's newest version: once a newer one came (a Retry, or before the
 * restart that lost both), a lost one has nothing to show but the prompt the newest repeats, and
 * the newest is the one to ask again from, so it leaves the turn's versions.
 */
export function turnVersions(jobs: readonly ThreadJob[]): TurnVersions[] {
  const oldestFirst = sortOldestFirst(jobs)
  const groups: ThreadJob[][] = currentTurns(oldestFirst.filter(job => job.type === 'chat' && !job.missing))
  const byMessage = new Map<string, ThreadJob[]>()
  for (const group of groups) {
    for (const job of group) byMessage.set(messageKeyOf(job), group)
  }
  for (const job of oldestFirst) {
    if (job.type === 'chat' && !job.missing) continue
    const key = job.type === 'chat' ? messageKeyOf(job) : `workflow:${messageKeyOf(job)}`
    const group = byMessage.get(key)
    if (group) {
      group.push(job)
      continue
    }
    const own = [job]
    groups.push(own)
    byMessage.set(key, own)
  }
  const keys = new Set<string>()
  return groups
    .map(group => sortOldestFirst(group).filter((job, index, versions) => !job.missing || index === versions.length - 1))
    .sort((a, b) => compareJobs(a.at(-1)!, b.at(-1)!))
    .map((versions) => {
      const newest = versions.at(-1)!
      const message = `${newest.type}:${messageKeyOf(newest)}`
      // Unique whatever the jobs say (a Vue key): a second turn of the same key goes by its job.
      const key = keys.has(message) ? `job:${versions[0]!.id}` : message
      keys.add(key)
      return { key, versions }
    })
}

/**
 * The jobs of `jobs` the server no longer lists (`missing`: deleted, or lost in a restart before
 * they ended) that no turn shows (`turns`, from `turnVersions` of the same jobs): a newer version
 * of their turn came. Nothing shows them again, so this browser forgets them (ThreadView).
 */
export function hiddenLostVersions(jobs: readonly ThreadJob[], turns: readonly TurnVersions[]): string[] {
  const shown = new Set(turns.flatMap(turn => turn.versions.map(job => job.id)))
  return jobs.filter(job => job.missing && !shown.has(job.id)).map(job => job.id)
}

/** Creation order, as `sortOldestFirst`. */
function compareJobs(a: ThreadJob, b: ThreadJob): number {
  return a.createdAt - b.createdAt || a.id.localeCompare(b.id)
}

/** The version a turn shows: the one chosen, while no newer version came since; else the newest. */
export function shownVersion(turn: TurnVersions, choice: VersionChoice | undefined): ThreadJob {
  const newest = newestVersion(turn)
  if (!choice || choice.newestId !== newest.id) return newest
  return turn.versions.find(job => job.id === choice.jobId) ?? newest
}

/** What the switcher says, and a screen reader hears on a switch: "Version 2 of 3". */
export function versionLabel(index: number, count: number): string {
  return `Version ${index + 1} of ${count}`
}

/** What the switcher says of the newest version: on screen, and to a screen reader. */
export interface NewestVersionNote {
  shown: string
  said: string
}

const NEWEST_WRITING: NewestVersionNote = { shown: 'newest writing…', said: 'the newest is still being written' }
const NEWEST_WAITING: NewestVersionNote = { shown: 'newest waiting for you', said: 'the newest is waiting for you' }

/**
 * What the switcher says of the newest version while an earlier one is shown (the newest's own
 * chip is hidden then): that it is still being written, or waits for the user; null once it ended
 * (or before it reported).
 */
export function newestVersionNote(report: Pick<TurnReport, 'status' | 'active'> | undefined): NewestVersionNote | null {
  if (!report?.active) return null
  return report.status === 'waiting' ? NEWEST_WAITING : NEWEST_WRITING
}
