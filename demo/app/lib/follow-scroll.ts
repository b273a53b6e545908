/**
 * A conversation view that follows the newest message as it streams, as chat apps do — unless the
 * user scrolled up to read (then it stays put until they come back down, or `follow()` is called,
 * as on send). `growth` changes whenever something was added at the bottom.
 */
import { ref, watch } from 'vue'

/** Within this many px of the bottom counts as "at the bottom". */
const FOLLOW_SLACK_PX = 80

export function useFollowScroll(growth: () => string) {
  const conversation = ref<HTMLElement | null>(null)
  let following = true
  function onScroll(): void {
    const element = conversation.value
    if (element) following = element.scrollHeight - element.scrollTop - element.clientHeight < FOLLOW_SLACK_PX
  }
  watch(growth, () => {
    const element = conversation.value
    if (following && element) element.scrollTop = element.scrollHeight
  }, { flush: 'post' })
  return { conversation, onScroll, follow: () => void (following = true) }
}
