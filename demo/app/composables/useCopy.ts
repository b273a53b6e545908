/**
 * Copy to the clipboard with a moment of "Copied" feedback. The feedback timer is cleared when the
 * calling component unmounts.
 */
import { onBeforeUnmount, ref } from 'vue'

/** How long a button says "Copied". */
export const COPIED_FEEDBACK_MS = 1_500

/** Writes `text` to the clipboard; false when the browser refused. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text)
    return true
  }
  catch {
    return false
  }
}

/** `copy(key, text)` copies and sets `copied` to `key` for a moment (so one button can say "Copied"). */
export function useCopy() {
  const copied = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  onBeforeUnmount(() => clearTimeout(timer))

  async function copy(key: string, text: string): Promise<boolean> {
    const ok = await copyText(text)
    clearTimeout(timer)
    copied.value = ok ? key : null
    if (ok) timer = setTimeout(() => { copied.value = null }, COPIED_FEEDBACK_MS)
    return ok
  }

  return { copied, copy }
}
