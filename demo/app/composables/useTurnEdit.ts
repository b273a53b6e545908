/**
 * An edit of a turn's message in progress (UserMessage.vue's Edit), held by the turn
 * (TurnVersions.vue provides it), not by the version it was opened in. Edit is offered on the
 * newest version only — the one the conversation goes on with; saving makes a new version of the
 * turn, as in ChatGPT — so when that version is hidden (a Regenerate in another tab brings a newer
 * one), the box with the text typed so far shows in the newest version instead of staying, hidden,
 * in a version that no longer offers Edit; a look at an earlier version hides it until the newest
 * is shown again. A save on its way goes on wherever the box is; Cancel gives it up.
 */
import type { InjectionKey, Ref } from 'vue'
import { inject, provide, ref } from 'vue'

export interface TurnEdit {
  /** The box is open. */
  open: Ref<boolean>
  /** What the box holds. */
  text: Ref<string>
  saving: Ref<boolean>
  /** Why the last save failed, or null. */
  problem: Ref<string | null>
  /** Opens the box with `text` (the message as it is). */
  start: (text: string) => void
  /** Saves `text` through `edit` (the newest version's): the box closes once it is sent, else says why. */
  save: (edit: (text: string, signal?: AbortSignal) => Promise<string | null>, text: string) => Promise<void>
  /** Closes the box; a save on its way is given up. */
  cancel: () => void
}

const TURN_EDIT_KEY: InjectionKey<TurnEdit> = Symbol('turn-edit')

function createTurnEdit(): TurnEdit {
  const open = ref(false)
  const text = ref('')
  const saving = ref(false)
  const problem = ref<string | null>(null)
  /** The save on its way (Cancel aborts it), or null. */
  let saveController: AbortController | null = null

  async function save(edit: (text: string, signal?: AbortSignal) => Promise<string | null>, edited: string): Promise<void> {
    if (saving.value) return
    const controller = new AbortController()
    saveController = controller
    saving.value = true
    problem.value = null
    try {
      const outcome = await edit(edited, controller.signal)
      // Given up meanwhile (Cancel): the box is already closed.
      if (controller.signal.aborted) return
      problem.value = outcome
      if (outcome === null) open.value = false
    }
    finally {
      if (saveController === controller) {
        saveController = null
        saving.value = false
      }
    }
  }

  function cancel(): void {
    // A save on its way is given up (a server that never answers must not hold the box).
    saveController?.abort()
    saveController = null
    saving.value = false
    open.value = false
    problem.value = null
  }

  function start(message: string): void {
    text.value = message
    problem.value = null
    open.value = true
  }

  return { open, text, saving, problem, start, save, cancel }
}

/** The turn's edit, for its versions' messages (TurnVersions.vue). */
export function provideTurnEdit(): TurnEdit {
  const edit = createTurnEdit()
  provide(TURN_EDIT_KEY, edit)
  return edit
}

/** The edit of the turn this message is in; a message outside a turn (AiSdkMessage.vue) has its own. */
export function useTurnEdit(): TurnEdit {
  return inject(TURN_EDIT_KEY, null) ?? createTurnEdit()
}
