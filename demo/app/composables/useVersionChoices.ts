/**
 * Which version each turn of a thread shows (lib/answer-versions.ts): the newest, unless the user
 * went back to another with the switcher; a newer version (a Regenerate, a Retry, one from another
 * tab) replaces that choice. Held by the thread for this page only: a reload shows the newest.
 */
import type { Ref } from 'vue'
import type { TurnVersions, VersionChoice } from '../lib/answer-versions'
import { newestVersion, shownVersion } from '../lib/answer-versions'

export function useVersionChoices(turns: Readonly<Ref<TurnVersions[]>>) {
  /** The user's choices, by turn key. */
  const choices = reactive<Record<string, VersionChoice>>({})

  /** The id of the version `turn` shows. */
  function shownIdOf(turn: TurnVersions): string {
    return shownVersion(turn, choices[turn.key]).id
  }

  /** Shows version `jobId` of the turn `key`. */
  function choose(key: string, jobId: string): void {
    const turn = turns.value.find(shown => shown.key === key)
    if (turn) choices[key] = { jobId, newestId: newestVersion(turn).id }
  }

  /** Shows the version `jobId` wherever it is (a question waiting on it); true when it was not shown. */
  function reveal(jobId: string): boolean {
    const turn = turns.value.find(shown => shown.versions.some(job => job.id === jobId))
    if (!turn || shownIdOf(turn) === jobId) return false
    choose(turn.key, jobId)
    return true
  }

  return { shownIdOf, choose, reveal }
}
