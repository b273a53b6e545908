/**
 * The /ai-sdk page reading a chat's messages from the server, then following the answer that runs
 * on (`resumeStream()`, 204 = none) — on opening a chat, on Retry after a read that failed, and
 * when the page reads the chat again (the server back, a Stop that stopped an answer it no longer
 * followed). A message the user sent while they loaded wins: the list read before it would wipe it
 * (and the answer already streaming to it), so the late list is dropped. Until a chat is read, Send
 * waits (`held`) and a reloaded chat shows a loading placeholder, not the new-chat intro. A new chat
 * (useAiSdkChatId.ts) has nothing to read.
 */
import type { UIMessage } from 'ai'
import type { Ref } from 'vue'
import { computed, nextTick, ref, watch } from 'vue'
import { failureText } from '../lib/wording'

export interface AiSdkLoadOptions {
  chatId: Ref<string>
  /** The new chat the page opened last (useAiSdkChatId.ts): none to read, resume or wait for. */
  openedNew: Ref<string>
  messages: Ref<UIMessage[]>
  /** A response is open (the SDK's `submitted` or `streaming`). */
  busy: Ref<boolean>
  /** The list read without the turns deleted meanwhile (useAiSdkDeletions.ts); null: none left, a new chat opened. */
  afterRead: (messages: UIMessage[]) => UIMessage[] | null
  /** The chat was read: the page drops what a failed Stop left (the answer is shown as the server has it now). */
  onRead: () => void
  /** The messages about to be shown: the announcer reads out only what comes after them. */
  join: (messages: UIMessage[]) => void
  /** The SDK's `resumeStream()`. */
  resume: () => Promise<void>
  /** Where the focus goes once Retry (now gone) has read the chat. */
  focusAfterRetry: () => void
}

export function useAiSdkLoad(options: AiSdkLoadOptions) {
  const { chatId, openedNew, messages } = options
  /** Why this chat's messages could not be read (shown with a Retry, also while it reads again), or null. */
  const loadError = ref<string | null>(null)
  /** Retry is reading the messages again. */
  const retryingLoad = ref(false)
  /** Messages the user sent from this page (a load that started before one must not wipe it). */
  let sent = 0
  /** The chat whose messages are being read (the newest read), or null. */
  const reading = ref<string | null>(null)
  let reads = 0
  /**
   * The chat whose messages were read. Until then a reloaded chat shows a loading placeholder, not
   * the new-chat intro (a new chat shows it at once).
   */
  const readChat = ref('')
  const introShown = computed(() => chatId.value === openedNew.value || readChat.value === chatId.value)
  /**
   * This chat's messages are on their way, or could not be read (Retry) and none are shown: a message
   * sent now would go without them as history (and the page drop it), so Send waits, as in the main chat.
   */
  const held = computed(() => chatId.value !== openedNew.value && ((reading.value !== null && reading.value === chatId.value) || (loadError.value !== null && !messages.value.length)))
  /**
   * A resume asked after a load, until its stream opens (or turns out to be none): the newest
   * message may still be at work meanwhile, though the SDK says `ready`.
   */
  const resuming = ref(false)
  watch(options.busy, (now) => {
    if (now) resuming.value = false
  })

  /**
   * Chat `id`'s messages, then its running answer if any. `retried`: by Retry, which stays (saying
   * "Loading…") while they are read again; once they are there, the focus (on Retry, now gone) goes
   * on to the box, as in the main chat.
   */
  async function load(id: string, { retried = false } = {}): Promise<void> {
    const sentBefore = sent
    const read = ++reads
    reading.value = id
    let loaded: { messages: UIMessage[] }
    try {
      loaded = await $fetch<{ messages: UIMessage[] }>(`/api/jobs/chat/${encodeURIComponent(id)}/messages`)
    }
    catch (failure) {
      // Not an empty new chat: say the messages could not be read, and offer to read them again
      // (not a read a newer one overtook: a reconnect's and a Retry's, and the newer one decides).
      if (id === chatId.value && read === reads) loadError.value = failureText(failure, 'load')
      return
    }
    finally {
      if (read === reads) reading.value = null
      if (id === chatId.value) readChat.value = id
      if (retried) retryingLoad.value = false
    }
    if (id !== chatId.value || read !== reads) return
    loadError.value = null
    options.onRead()
    if (retried) {
      void nextTick(() => {
        if (!document.activeElement || document.activeElement === document.body) options.focusAfterRetry()
      })
    }
    if (sent !== sentBefore) return
    // Turns deleted while it was read leave it (none left: a new chat opened).
    const left = options.afterRead(loaded.messages)
    if (!left) return
    // Read out only what comes after: the resume replays the running answer from its start.
    options.join(left)
    messages.value = left
    resuming.value = true
    try {
      await options.resume()
    }
    finally {
      resuming.value = false
    }
  }

  /** Retry after the messages could not be read. */
  function retryLoad(): void {
    if (retryingLoad.value) return
    retryingLoad.value = true
    void load(chatId.value, { retried: true })
  }

  /** A message sent from this page (a read on its way must not wipe it). */
  function noteSent(): void {
    sent++
  }

  return { loadError, retryingLoad, reading, held, introShown, resuming, load, retryLoad, noteSent }
}
