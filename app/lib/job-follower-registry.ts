/**
 * One stream per job per tab, however many components follow that job: the first one to connect
 * starts the follower, the others join it, and it closes when the last one leaves. Two components
 * showing the same job (a list row and a detail panel) would otherwise open two EventSources, and
 * the first to unmount would report the shared connection `closed` while the other still streamed.
 * A follower that stops by itself (the job ended, was lost, refused) leaves the registry, so the
 * next `connect()` starts a new one. Client-only: streams open on mount.
 */
import type { JobStreamHandle } from './job-stream'

/**
 * How a follower stopped: the job ended (its `job-end`, or a terminal state), the server no longer
 * has it (404), or it stopped otherwise (gave up, refused, or its last component left).
 */
export type JobFollowerExit = 'ended' | 'lost' | 'stopped'

interface Entry {
  handle: JobStreamHandle | null
  users: number
  /** Opens the stream again (`renewJobFollower`). */
  restart: () => void
  /** The app's session token (lib/state-cleared.ts) the stream was opened under. */
  session: object | undefined
  /** Told once, when the follower stops (`watchJobFollower`). */
  watchers: Set<(exit: JobFollowerExit) => void>
}

/** One component's hold on a job's follower. */
export interface JobFollowerHold {
  /** The follower this hold joined is still running. */
  readonly active: boolean
  /** Leaves the follower (idempotent); the last hold to leave closes it. */
  release: () => void
}

const entries = new Map<string, Entry>()

/** The number of jobs followed right now (tests count leaks with it). */
export function activeJobFollowers(): number {
  return entries.size
}

/** Some component follows the job `key` right now. */
export function isJobFollowed(key: string): boolean {
  return entries.has(key)
}

/** Tells the watchers of a follower that stopped how (once). */
function tellWatchers(entry: Entry, exit: JobFollowerExit): void {
  const watchers = [...entry.watchers]
  entry.watchers.clear()
  for (const watcher of watchers) watcher(exit)
}

/**
 * Calls `watcher` once when the follower of `key` stops (e.g. `remove({ abort: true })` waiting for
 * the job's end on the stream a component already has, rather than open a second one). Returns a
 * function that stops watching, or null when nothing follows `key`.
 */
export function watchJobFollower(key: string, watcher: (exit: JobFollowerExit) => void): (() => void) | null {
  const entry = entries.get(key)
  if (!entry) return null
  entry.watchers.add(watcher)
  return () => {
    entry.watchers.delete(watcher)
  }
}

/**
 * Opens the follower of `key` again, its holds kept, unless it was opened (or renewed) under
 * `session` already: once per `clearNuxtState()` however many components follow the job. The
 * server checks the user when a stream opens, so a stream opened before the signed-in user changed
 * would go on sending the last user's job.
 */
export function renewJobFollower(key: string, session: object): void {
  const entry = entries.get(key)
  if (!entry || entry.session === session) return
  entry.session = session
  entry.handle?.close()
  entry.handle = null
  entry.restart()
}

/**
 * Joins the follower of `key`, starting it with `start` when there is none. `start` gets `stopped`,
 * to call when the follower stops by itself (saying how: `stopped` when not given).
 */
export function holdJobFollower(key: string, start: (stopped: (exit?: JobFollowerExit) => void) => JobStreamHandle, session?: object): JobFollowerHold {
  let entry = entries.get(key)
  if (!entry) {
    const created: Entry = { handle: null, users: 0, restart: () => {}, session, watchers: new Set() }
    entry = created
    entries.set(key, created)
    const stopped = (exit: JobFollowerExit = 'stopped') => {
      if (entries.get(key) !== created) return
      entries.delete(key)
      tellWatchers(created, exit)
    }
    created.restart = () => {
      try {
        created.handle = start(stopped)
      }
      catch (error) {
        stopped()
        throw error
      }
    }
    created.restart()
  }
  const joined = entry
  joined.users++
  let released = false
  return {
    get active() {
      return !released && entries.get(key) === joined
    },
    release() {
      if (released) return
      released = true
      if (entries.get(key) !== joined || --joined.users > 0) return
      entries.delete(key)
      joined.handle?.close()
      tellWatchers(joined, 'stopped')
    },
  }
}
