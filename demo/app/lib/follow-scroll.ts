/**
 * A conversation view that follows the newest message as it streams, as chat apps do — unless the
 * user scrolled up to read (then it stays put until they come back down, or `follow()` is called,
 * as on send and by the "Newest" button `following` shows). `growth` changes whenever something
 * was added at the bottom.
 */
import { ref, watch } from 'vue'

/** Within this many px of the bottom counts as "at the bottom". */
const FOLLOW_SLACK_PX = 80

export function useFollowScroll(growth: () => string) {
  const conversation = ref<HTMLElement | null>(null)
  /** At the newest message (or sent to it): false while the user reads above it. */
  const following = ref(true)
  function onScroll(): void {
    const element = conversation.value
    if (element) following.value = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK_PX
  }
  watch(growth, () => {
    const element = conversation.value
    if (following.value && element) element.scrollTop = element.scrollHeight
  }, { flush: 'post' })
  /** Back down to the newest message now, and following it (at once: a smooth scroll's own scroll events would stop the following midway). */
  function jumpToNewest(): void {
    following.value = true
    const element = conversation.value
    if (element) element.scrollTop = element.scrollHeight
  }
  return { conversation, onScroll, following, jumpToNewest, follow: () => void (following.value = true) }
}
