/**
 * The answer versions the user chose to see (lib/answer-versions.ts), kept in this browser so a
 * reload shows the same ones, as ChatGPT does. One bounded list in `localStorage`
 * (lib/stored-list.ts: nothing kept where storage is blocked or full), an entry per thread and
 * turn, only for a turn that shows an earlier version (choosing the newest removes it). A choice
 * holds the newest version when it was made: once a newer one came (a Regenerate, a Retry) the
 * newest shows and the choice is forgotten (`forgetStaleChoices`), as it is when the chosen
 * version is gone. Two tabs choosing at the same moment may keep one of the two choices: the
 * other turn then shows its newest, the default.
 */
import type { TurnVersions, VersionChoice } from './answer-versions'
import { newestVersion } from './answer-versions'
import { storedList } from './stored-list'

/** Where the choices are kept. */
export const VERSION_CHOICES_STORAGE_KEY = 'background-jobs:version-choices'
/** Choices kept, the oldest dropped first. */
export const MAX_VERSION_CHOICES = 200

/** A kept choice: the thread, the turn (`TurnVersions.key`) and the version chosen. */
interface StoredChoice extends VersionChoice {
  threadId: string
  turnKey: string
}

const list = storedList<StoredChoice>(VERSION_CHOICES_STORAGE_KEY, MAX_VERSION_CHOICES)

/** The stored choices, what another script left there read as none. */
function readChoices(): StoredChoice[] {
  return list.read().filter(entry => entry !== null && typeof entry === 'object'
    && [entry.threadId, entry.turnKey, entry.jobId, entry.newestId].every(field => typeof field === 'string'))
}

/** The thread's kept choices, by turn key. */
export function storedChoices(threadId: string): Record<string, VersionChoice> {
  const choices: Record<string, VersionChoice> = {}
  for (const entry of readChoices()) {
    if (entry.threadId === threadId) choices[entry.turnKey] = { jobId: entry.jobId, newestId: entry.newestId }
  }
  return choices
}

/** Keeps the choice of turn `turnKey` (null: the newest, nothing to keep). */
export function keepChoice(threadId: string, turnKey: string, choice: VersionChoice | null): void {
  const kept = readChoices()
  const others = kept.filter(entry => entry.threadId !== threadId || entry.turnKey !== turnKey)
  if (!choice && others.length === kept.length) return
  list.write(choice ? [...others, { threadId, turnKey, ...choice }] : others)
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
  if (!turnKeys.length) return
  const forget = new Set(turnKeys)
  const kept = readChoices()
  const left = kept.filter(entry => entry.threadId !== threadId || !forget.has(entry.turnKey))
  if (left.length !== kept.length) list.write(left)
}

/** Forgets every choice of a thread (the user deleted it). */
export function forgetThreadChoices(threadId: string): void {
  const kept = readChoices()
  const left = kept.filter(entry => entry.threadId !== threadId)
  if (left.length !== kept.length) list.write(left)
}
