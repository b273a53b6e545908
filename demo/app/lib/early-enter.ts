/**
 * A composer's side of an Enter pressed before the page was interactive (lib/early-composer.ts):
 * once mounted, the composer takes what the inline script noted and sends the box's text at that
 * Enter, keeping what was typed after it — the main chat's box (ChatComposer.vue) and the /ai-sdk
 * page's (AiSdkComposer.vue) alike. Call `useEarlyEnter` in the composer's setup; call `take` once
 * the whole page is mounted, `sentHere` whenever the box sends a message itself.
 */
import type { Ref } from 'vue'
import { ref, watch } from 'vue'
import type { ComposerBoxId } from './composer-boxes'
import { earlyEnterPlan, takeEarlyEnter } from './early-composer'

export interface EarlyEnterOptions {
  /** The box's id. */
  box: ComposerBoxId
  /** The box's text. */
  text: Ref<string>
  /**
   * Sending is free now. When not (an unfinished answer holds the next message, nothing can run),
   * the early Enter is not sent: the text and the focus stay, the next Enter sends.
   */
  canSend: () => boolean
  /** Sends the box's text, as the box's own Enter does (reads `text` before any await). */
  send: () => void
  /**
   * Whether the message can be sent is not known yet (the /ai-sdk page opening its chat: its
   * messages and a running answer being read): the early Enter waits for
   * it, then is sent or not as `canSend` says. Never: it is decided at `take`.
   */
  waitWhile?: () => boolean
}

export function useEarlyEnter(options: EarlyEnterOptions) {
  /**
   * The box sent a message itself (its Enter or Send handled by the app): an Enter the inline script
   * noted before is that one, or older, and sends nothing more. The app's keys work from hydration,
   * before the mount hooks run (on a Markdown thread Suspense holds them until the renderer loads);
   * a send that failed meanwhile put the text back, which the early Enter would have sent again.
   */
  let sent = false
  /** The box's text at the early Enter, while it waits for `waitWhile` to pass. */
  const waiting = ref<string | null>(null)

  function sendNow(entered: string | null): void {
    const plan = earlyEnterPlan(entered, options.text.value)
    if (plan.send === null || !options.canSend()) return
    options.text.value = plan.send
    options.send()
    if (plan.keep) options.text.value = plan.keep
  }

  // Made in the composer's setup, so it goes with the composer (an unmounted box sends nothing).
  watch(() => waiting.value !== null && !options.waitWhile?.(), (ready) => {
    if (!ready) return
    const entered = waiting.value
    waiting.value = null
    if (!sent) sendNow(entered)
  })

  return {
    /** Takes the Enter pressed before hydration (the script stops) and sends it, now or once `waitWhile` passes. */
    take(): void {
      const entered = takeEarlyEnter(options.box)
      if (sent || entered === null) return
      if (options.waitWhile?.()) waiting.value = entered
      else sendNow(entered)
    },
    /** The box sent a message itself: an early Enter, taken or still to come, sends nothing. */
    sentHere(): void {
      sent = true
      waiting.value = null
    },
  }
}
