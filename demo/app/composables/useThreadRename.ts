/**
 * Renaming a thread in the sidebar: which thread's title is being edited, the text typed, and the
 * save (`useBackgroundJobs().renameThread`). Saving a title that did not change, or cancelling, just
 * stops editing; a title the server's rules refuse (shared/thread-title.ts) is said at once, without
 * a request; a failed save keeps the field open with the text and says why.
 */
import type { Ref } from 'vue'
import { ref, watch } from 'vue'
import type { RenamedThread } from '../../../app/lib/api-types'
import { normalizedThreadTitle, threadTitleProblem } from '../../../shared/thread-title'
import { failureText } from '../lib/wording'

/** What renaming needs: the request, and what to do with the title the server stored. */
export interface ThreadRenameOptions {
  rename: (threadId: string, title: string) => Promise<RenamedThread>
  /** The server stored `title` for `threadId` (show it before the list is read again). */
  onRenamed: (threadId: string, title: string) => void
}

/** The state of the sidebar's rename field, and its actions. */
export interface ThreadRename {
  /** The thread whose title is being edited, or null. */
  editing: Ref<string | null>
  /** The text in the field. */
  draft: Ref<string>
  /** A save is on its way. */
  saving: Ref<boolean>
  /** Why the last save failed (or was refused before it was sent), in words; null otherwise. */
  problem: Ref<string | null>
  /** Opens the field for a thread, with its title as shown. */
  start: (thread: { threadId: string, title: string }) => void
  /** Closes the field, saving nothing. */
  cancel: () => void
  /** Saves the text; resolves true once the field closed (saved, or nothing to save). */
  save: () => Promise<boolean>
  /** The field was left (focus went elsewhere): saves a title that can be saved, else closes it. */
  leave: () => Promise<boolean>
}

export function useThreadRename(options: ThreadRenameOptions): ThreadRename {
  const editing = ref<string | null>(null)
  const draft = ref('')
  const saving = ref(false)
  const problem = ref<string | null>(null)
  /** The title shown when editing began: saving it again is no rename. */
  let original = ''
  // The reason of a refused or failed save goes once the user edits the text.
  watch(draft, () => {
    if (!saving.value) problem.value = null
  }, { flush: 'sync' })

  function start(thread: { threadId: string, title: string }): void {
    editing.value = thread.threadId
    draft.value = thread.title
    original = thread.title
    problem.value = null
    saving.value = false
  }

  function cancel(): void {
    editing.value = null
    problem.value = null
    saving.value = false
  }

  async function save(): Promise<boolean> {
    const threadId = editing.value
    if (threadId === null || saving.value) return false
    const refused = threadTitleProblem(draft.value)
    if (refused) {
      problem.value = `The title ${refused}.`
      return false
    }
    const title = normalizedThreadTitle(draft.value)
    if (title === original) {
      cancel()
      return true
    }
    saving.value = true
    problem.value = null
    try {
      const renamed = await options.rename(threadId, title)
      options.onRenamed(renamed.threadId, renamed.title)
      // Another thread's field may have opened meanwhile: only this one closes.
      if (editing.value === threadId) cancel()
      return true
    }
    catch (error) {
      if (editing.value === threadId) problem.value = failureText(error, 'rename')
      return false
    }
    finally {
      if (editing.value === threadId) saving.value = false
    }
  }

  async function leave(): Promise<boolean> {
    if (editing.value === null) return false
    if (threadTitleProblem(draft.value)) {
      cancel()
      return true
    }
    return await save()
  }

  return { editing, draft, saving, problem, start, cancel, save, leave }
}
