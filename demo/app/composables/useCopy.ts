/**
 * Copy to the clipboard with a moment of feedback: "Copied", or "Copy failed" when the browser
 * would not copy. A page on plain http away from localhost (a LAN address) has no Clipboard API:
 * there the text is selected in a hidden field and copied with `execCommand('copy')`, which such
 * pages still allow. The feedback timer is cleared when the calling component unmounts.
 */
import { onBeforeUnmount, ref } from 'vue'

/** How long a button says "Copied" (or "Copy failed"). */
export const COPIED_FEEDBACK_MS = 1_500

/** Writes `text` to the clipboard; false when the browser refused. */
export async function copyText(text: string): Promise<boolean> {
  // No Clipboard API (not a secure context): copy at once, still inside the click.
  if (typeof navigator === 'undefined' || !navigator.clipboard?.writeText) return copyBySelection(text)
  try {
    await navigator.clipboard.writeText(text)
    return true
  }
  catch {
    return copyBySelection(text)
  }
}

/** The old way: select `text` in a hidden field, `execCommand('copy')`, then give the focus back. */
function copyBySelection(text: string): boolean {
  if (typeof document === 'undefined' || typeof document.execCommand !== 'function') return false
  const focused = document.activeElement as HTMLElement | null
  const field = document.createElement('textarea')
  field.value = text
  // Read-only: no on-screen keyboard; fixed and transparent: nothing scrolls or shows.
  field.setAttribute('readonly', '')
  field.setAttribute('aria-hidden', 'true')
  Object.assign(field.style, { position: 'fixed', top: '0', left: '0', opacity: '0', pointerEvents: 'none' })
  document.body.appendChild(field)
  try {
    field.focus({ preventScroll: true })
    field.select()
    field.setSelectionRange(0, text.length)
    return document.execCommand('copy')
  }
  catch {
    return false
  }
  finally {
    field.remove()
    focused?.focus?.({ preventScroll: true })
  }
}

/**
 * `copy(key, text)` copies and sets `copied` to `key` for a moment (so one button can say
 * "Copied"), or `failed` when the browser would not copy (so it can say "Copy failed").
 */
export function useCopy() {
  const copied = ref<string | null>(null)
  const failed = ref<string | null>(null)
  let timer: ReturnType<typeof setTimeout> | undefined
  onBeforeUnmount(() => clearTimeout(timer))

  async function copy(key: string, text: string): Promise<boolean> {
    const ok = await copyText(text)
    clearTimeout(timer)
    copied.value = ok ? key : null
    failed.value = ok ? null : key
    timer = setTimeout(() => {
      copied.value = null
      failed.value = null
    }, COPIED_FEEDBACK_MS)
    return ok
  }

  return { copied, failed, copy }
}
