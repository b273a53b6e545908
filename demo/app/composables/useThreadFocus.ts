/**
 * Where focus goes in a thread for the next message: the composer, so the next key is the next
 * message, as in chat apps — but on a touch screen the thread's heading (or the thread), since
 * focusing the box there pops up the on-screen keyboard over the conversation (lib/focus.ts).
 * Used when the thread opens from the thread list or "New thread", and after an action that takes
 * the focused control away (an answer to a question sent, "Newest", Retry). Provided to the
 * thread's turns (`FOCUS_COMPOSER_KEY`). On the page's first load the box gets the focus on a
 * desktop only, and only if the user has not put it somewhere while the page loaded.
 */
import type { Ref } from 'vue'
import { FOCUS_COMPOSER_KEY, focusForNextMessage, focusOnFirstLoad } from '../lib/focus'

export interface ThreadFocusTargets {
  composer: Ref<{ focus: () => void } | null>
  heading: Ref<HTMLElement | null>
  section: Ref<HTMLElement | null>
}

/** An element that takes typed text (the sidebar's rename field). */
function isTextField(element: Element): boolean {
  return element.matches('input, textarea')
}

export function useThreadFocus({ composer, heading, section }: ThreadFocusTargets) {
  function focusOpenedThread(): void {
    focusForNextMessage({ focus: () => composer.value?.focus() }, heading.value ?? section.value)
  }
  provide(FOCUS_COMPOSER_KEY, focusOpenedThread)
  // Opened from the thread list or "New thread" (not the page's first load): the next key goes to the
  // box, as in chat apps; the link that had focus may be in a drawer that is closing. Not from a
  // field the user is typing in there: a double-click on a thread opens it and its rename field, which
  // may take the focus before the thread shows (the blur would close it, saving nothing).
  const openedByNavigation = !useNuxtApp().isHydrating
  onMounted(() => {
    const focused = document.activeElement
    const nothingFocused = !focused || focused === document.body
    if (openedByNavigation && (nothingFocused || (focused.closest('#thread-sidebar') && !isTextField(focused)))) focusOpenedThread()
    else if (!openedByNavigation && nothingFocused) focusOnFirstLoad(composer.value)
  })
  return { focusOpenedThread }
}
