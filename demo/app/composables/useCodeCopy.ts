/**
 * The Copy buttons inside rendered code blocks (see lib/markdown.ts). The HTML comes from v-html,
 * so one click listener on the rendered answer serves them all; the clicked button says "Copied"
 * for a moment ("Copy failed" when the browser would not copy).
 */
import { watch } from 'vue'
import { CODE_COPY_LABEL } from '../lib/code-highlight'
import { useCopy } from './useCopy'

/** `onCodeClick` goes on the element that holds rendered Markdown (`@click`); `copied` (or `failed`) is `'code'` for a moment after a copy. */
export function useCodeCopy() {
  const { copied, failed, copy } = useCopy()
  let button: HTMLButtonElement | null = null
  watch([copied, failed], ([done, refused]) => {
    if (button) button.textContent = done === 'code' ? 'Copied' : refused === 'code' ? 'Copy failed' : CODE_COPY_LABEL
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
