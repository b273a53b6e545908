/**
 * Where focus goes in a thread for the next message: the composer, so the next key is the next
 * message, as in chat apps — but on a touch screen the thread's heading (or the thread), since
 * focusing the box there pops up the on-screen keyboard over the conversation (lib/focus.ts).
 * Used when the thread opens from the thread list or "New thread", and after an action that takes
 * the focused control away (an answer to a question sent, "Newest", Retry). Provided to the
 * thread's turns (`FOCUS_COMPOSER_KEY`).
 */
import type { Ref } from 'vue'
import { FOCUS_COMPOSER_KEY, focusForNextMessage } from '../lib/focus'

export interface ThreadFocusTargets {
  composer: Ref<{ focus: () => void } | null>
  heading: Ref<HTMLElement | null>
  section: Ref<HTMLElement | null>
}

export function useThreadFocus({ composer, heading, section }: ThreadFocusTargets) {
  function focusOpenedThread(): void {
    focusForNextMessage({ focus: () => composer.value?.focus() }, heading.value ?? section.value)
  }
  provide(FOCUS_COMPOSER_KEY, focusOpenedThread)
  // Opened from the thread list or "New thread" (not the page's first load): the next key goes to the
  // box, as in chat apps; the link that had focus may be in a drawer that is closing.
  const openedByNavigation = !useNuxtApp().isHydrating
  onMounted(() => {
    const focused = document.activeElement
    if (openedByNavigation && (!focused || focused === document.body || focused.closest('#thread-sidebar'))) focusOpenedThread()
  })
  return { focusOpenedThread }
}
