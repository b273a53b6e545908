/**
 * The answer versions the user chose to see (lib/answer-versions.ts), kept in this browser so a
 * reload shows the same ones, as ChatGPT does. A choice per thread and turn under a key of its own
 * in `localStorage` (lib/safe-storage.ts: nothing kept where storage is blocked or full), only for
 * a turn that shows an earlier version (choosing the newest removes it): a choice writes or removes
 * its own key and never rewrites another's, so two tabs choosing at the same moment (in the same
 * thread or not) keep both choices — one shared list, read and written, kept one of the two. The
 * newest `MAX_VERSION_CHOICES` are kept, by the time each was made (`at`). A choice holds the
 * newest version when it was made: once a newer one came (a Regenerate, a Retry) the newest shows
 * and the choice is forgotten (`staleChoices`), as it is when the chosen version is gone. The
 * choices the previous release kept in one list are moved to their own keys once per page
 * (`moveListedChoices`).
 */
import type { TurnVersions, VersionChoice } from './answer-versions'
import { newestVersion } from './answer-versions'
import { createKeyedStore } from './keyed-store'
import { readStored, removeStored, writeStored } from './safe-storage'

/** The prefix of a kept choice's key: `<prefix><threadId>\n<turnKey>` (JSON `StoredChoice`). */
export const VERSION_CHOICE_STORAGE_PREFIX = 'background-jobs:version-choice:'
/** Choices kept, the oldest dropped first. */
export const MAX_VERSION_CHOICES = 200
/** Where the previous release kept every choice, in one list (moved once per page). */
const LISTED_CHOICES_STORAGE_KEY = 'background-jobs:version-choices'

/** A kept choice: the version chosen, and when (ms since the epoch: the oldest goes first). */
interface StoredChoice extends VersionChoice {
  at: number
}

/** The stored choices, one key per thread and turn, their time in their value. */
const storedChoiceKeys = createKeyedStore({
  prefix: VERSION_CHOICE_STORAGE_PREFIX,
  max: MAX_VERSION_CHOICES,
  timeOf: key => readChoice(key)?.at ?? 0,
  moveLegacy: moveListedChoices,
})

/** The key of the choice of turn `turnKey` in thread `threadId` (a thread id has no line break). */
function choiceKey(threadId: string, turnKey: string): string {
  return storedChoiceKeys.keyOf(`${threadId}\n${turnKey}`)
}

/** The choice stored under `key`, or null (what another script left there reads as none). */
function readChoice(key: string): StoredChoice | null {
  try {
    const stored = JSON.parse(readStored(key) ?? 'null') as Partial<StoredChoice> | null
    if (stored && typeof stored.jobId === 'string' && typeof stored.newestId === 'string') {
      return { jobId: stored.jobId, newestId: stored.newestId, at: typeof stored.at === 'number' ? stored.at : 0 }
    }
  }
  catch {
    // Not JSON: none.
  }
  return null
}

/** The thread's kept choices, by turn key. */
export function storedChoices(threadId: string): Record<string, VersionChoice> {
  storedChoiceKeys.ready()
  const prefix = choiceKey(threadId, '')
  const choices: Record<string, VersionChoice> = {}
  for (const key of storedChoiceKeys.keys(`${threadId}\n`)) {
    const choice = readChoice(key)
    if (choice) choices[key.slice(prefix.length)] = { jobId: choice.jobId, newestId: choice.newestId }
  }
  return choices
}

/** Keeps the choice of turn `turnKey` (null: the newest, nothing to keep). */
export function keepChoice(threadId: string, turnKey: string, choice: VersionChoice | null): void {
  storedChoiceKeys.ready()
  if (!choice) {
    removeStored(choiceKey(threadId, turnKey))
    return
  }
  writeStored(choiceKey(threadId, turnKey), JSON.stringify({ jobId: choice.jobId, newestId: choice.newestId, at: storedChoiceKeys.nextTime() }))
  storedChoiceKeys.dropOldest()
}

/**
 * The turn keys of `choices` that no longer hold: a newer version came since, or the chosen version
 * is gone (deleted, lost). Only turns in `turns` are judged (one not read yet keeps its choice).
 */
export function staleChoices(choices: Readonly<Record<string, VersionChoice>>, turns: readonly TurnVersions[]): string[] {
  return turns.filter((turn) => {
    const choice = choices[turn.key]
    return choice && (choice.newestId !== newestVersion(turn).id || !turn.versions.some(job => job.id === choice.jobId))
  }).map(turn => turn.key)
}

/** Forgets the thread's stored choices of turns `turnKeys`. */
export function forgetChoices(threadId: string, turnKeys: readonly string[]): void {
  for (const turnKey of turnKeys) removeStored(choiceKey(threadId, turnKey))
}

/** Forgets every choice of a thread (the user deleted it, or a turn went on from the newest). */
export function forgetThreadChoices(threadId: string): void {
  storedChoiceKeys.ready()
  for (const key of storedChoiceKeys.keys(`${threadId}\n`)) removeStored(key)
}

/**
 * Moves the choices the previous release kept in one list (`LISTED_CHOICES_STORAGE_KEY`, oldest
 * first) to their own keys, once per page (`storedChoiceKeys.ready()`): older than any made since
 * (their place in the list as their time), a turn with a choice of its own keeps it. The list is
 * removed once they are stored.
 */
function moveListedChoices(): void {
  const raw = readStored(LISTED_CHOICES_STORAGE_KEY)
  if (raw === null) return
  let listed: unknown
  try {
    listed = JSON.parse(raw)
  }
  catch {
    listed = null
  }
  let stored = true
  for (const [index, entry] of (Array.isArray(listed) ? listed as Partial<StoredChoice & { threadId: string, turnKey: string }>[] : []).entries()) {
    if (!entry || ![entry.threadId, entry.turnKey, entry.jobId, entry.newestId].every(field => typeof field === 'string')) continue
    const key = choiceKey(entry.threadId!, entry.turnKey!)
    if (readStored(key) === null) stored = writeStored(key, JSON.stringify({ jobId: entry.jobId, newestId: entry.newestId, at: index + 1 })) && stored
  }
  if (stored) removeStored(LISTED_CHOICES_STORAGE_KEY)
}
