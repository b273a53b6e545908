/**
 * The browser tab's title says how many threads have news the user has not looked at — an answer
 * that finished, failed or asks for an approval while they were in another tab — as "(2) Title",
 * the way mail and chat apps do, so a glance at the tab strip tells them to come back. Only
 * threads the list shows count: a mark left in this browser for a thread the server no longer has
 * (lost on a restart) would otherwise keep a "(1)" that nothing on the page explains. Pure, so it
 * is unit-tested.
 */

/** The `titleTemplate` for `useHead` (`%s` is the page's own title). */
export function unseenTitleTemplate(listedThreadIds: readonly string[], unseen: readonly string[]): string {
  const marked = new Set(unseen)
  const count = listedThreadIds.filter(threadId => marked.has(threadId)).length
  return count ? `(${count}) %s` : '%s'
}
