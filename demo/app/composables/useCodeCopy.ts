/**
 * The Copy buttons inside rendered code blocks (see lib/markdown.ts). The HTML comes from v-html,
 * so one click listener on the rendered answer serves them all; the clicked button says "Copied"
 * for a moment ("Copy failed" when the browser would not copy).
 */
import { watch } from 'vue'
import { CODE_COPY_LABEL } from '../lib/code-copy-label'
import { copyAnnouncement } from '../lib/copy-announcements'
import { useCopy } from './useCopy'

/**
 * `onCodeClick` goes on the element that holds rendered Markdown (`@click`); `copied` (or `failed`)
 * is `'code'` for a moment after a copy. `announce`: where the outcome is said for a screen reader
 * (a view's live region), when the view does not say it itself.
 */
export function useCodeCopy(announce?: (lines: string[]) => void) {
  const { copied, failed, copy } = useCopy()
  let button: HTMLButtonElement | null = null
  watch([copied, failed], ([done, refused]) => {
    if (button) button.textContent = done === 'code' ? 'Copied' : refused === 'code' ? 'Copy failed' : CODE_COPY_LABEL
    announce?.(copyAnnouncement(done, refused))
  })

  function onCodeClick(event: MouseEvent): void {
    const clicked = (event.target as HTMLElement).closest<HTMLButtonElement>('.code-copy')
    const code = clicked?.closest('.code-block')?.querySelector('pre')?.textContent
    if (!clicked || code === undefined || code === null) return
    if (button && button !== clicked) button.textContent = CODE_COPY_LABEL
    button = clicked
    void copy('code', code)
  }

  return { copied, failed, onCodeClick }
}
