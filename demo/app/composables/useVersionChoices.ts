/**
 * Which version each turn of a thread shows (lib/answer-versions.ts): the newest, unless the user
 * went back to another with the switcher; a newer version (a Regenerate, a Retry, one from another
 * tab) replaces that choice. Kept in this browser (lib/version-choices.ts) and read once mounted,
 * so the server's render (the newest) and hydration agree, then a reload shows the version chosen;
 * one gone since (deleted, lost) or outdated by a newer version shows the newest and is forgotten,
 * and so is every choice once a turn is started here (`showNewest`: it went on from the newest).
 */
import type { Ref } from 'vue'
import type { TurnVersions, VersionChoice } from '../lib/answer-versions'
import { newestVersion, shownVersion } from '../lib/answer-versions'
import { forgetChoices, forgetThreadChoices, keepChoice, staleChoices, storedChoices } from '../lib/version-choices'

/**
 * `turns`: the turns shown. `listRead`: the server's list of the thread was read (a failed read
 * keeps the turns shown, which may lack a version): only then is a choice judged outdated.
 */
export function useVersionChoices(threadId: string, turns: Readonly<Ref<TurnVersions[]>>, listRead: Readonly<Ref<boolean>>) {
  /** The user's choices, by turn key. */
  const choices = reactive<Record<string, VersionChoice>>({})
  const loaded = ref(false)
  onMounted(() => {
    Object.assign(choices, storedChoices(threadId))
    loaded.value = true
  })
  // The choices that no longer hold (a newer version came, the chosen one is gone) are forgotten.
  watch([turns, listRead, loaded], () => {
    if (!loaded.value || !listRead.value) return
    const stale = staleChoices(choices, turns.value)
    for (const key of stale) delete choices[key]
    forgetChoices(threadId, stale)
  })

  /** The id of the version `turn` shows. */
  function shownIdOf(turn: TurnVersions): string {
    return shownVersion(turn, choices[turn.key]).id
  }

  /** Shows version `jobId` of the turn `key`. */
  function choose(key: string, jobId: string): void {
    const turn = turns.value.find(shown => shown.key === key)
    if (!turn) return
    const newestId = newestVersion(turn).id
    choices[key] = { jobId, newestId }
    keepChoice(threadId, key, jobId === newestId ? null : choices[key]!)
  }

  /** Shows the version `jobId` wherever it is (a question waiting on it); true when it was not shown. */
  function reveal(jobId: string): boolean {
    const turn = turns.value.find(shown => shown.versions.some(job => job.id === jobId))
    if (!turn || shownIdOf(turn) === jobId) return false
    choose(turn.key, jobId)
    return true
  }

  /**
   * Every turn shows its newest version again, and the choices are forgotten: a turn was started,
   * and it went on from the newest versions (the history), so an earlier one left on screen above
   * it would show the answer something the new answer was not given.
   */
  function showNewest(): void {
    for (const key of Object.keys(choices)) delete choices[key]
    forgetThreadChoices(threadId)
  }

  return { shownIdOf, choose, reveal, showNewest }
}
