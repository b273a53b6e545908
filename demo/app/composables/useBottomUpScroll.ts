/**
 * The thread's bottom-up scrolling (`column-reverse`): scrollTop is 0 at the newest message and
 * negative above it. `atBottom` says whether the newest message is in view (then "Newest" is not
 * offered).
 */
import type { Ref } from 'vue'
import { ref } from 'vue'

/** Within this many pixels of the newest message counts as "at the bottom". */
const BOTTOM_SLACK_PX = 80

export function useBottomUpScroll(conversation: Ref<HTMLElement | null>) {
  const atBottom = ref(true)
  function onScroll(): void {
    const element = conversation.value
    if (element) atBottom.value = element.scrollTop > -BOTTOM_SLACK_PX
  }
  function scrollToBottom(behavior: ScrollBehavior = 'instant'): void {
    conversation.value?.scrollTo({ top: 0, behavior })
    atBottom.value = true
  }
  return { atBottom, onScroll, scrollToBottom }
}
