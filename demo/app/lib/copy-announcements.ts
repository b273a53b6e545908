/**
 * What a screen reader hears after a Copy: the button's new word ("Copied", "Copy failed") is not
 * read out by every screen reader, so the view says it in its polite live region, worded as the
 * main chat's turn says it (JobTurn.vue).
 */

/** The lines to announce for `useCopy`'s `copied` / `failed` as they now stand (none once they reset). */
export function copyAnnouncement(copied: string | null, failed: string | null): string[] {
  if (copied) return ['Copied to the clipboard.']
  if (failed) return ['Copy failed: this browser would not copy. Select the text and copy it yourself.']
  return []
}
