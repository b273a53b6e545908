/**
 * The browser tab's title: the thread's first message, short, then the app's name. It also says how many threads have news the user has not looked at — an answer
 * that finished, failed or asks for an approval while they were in another tab — as "(2) Title",
 * the way mail and chat apps do, so a glance at the tab strip tells them to come back. Only
 * threads the list shows count: a mark left in this browser for a thread the server no longer has
 * (lost on a restart) would otherwise keep a "(1)" that nothing on the page explains. Pure, so it
 * is unit-tested.
 */
import { cutTextWith } from '../../../shared/cut-text'
import { plainTitle } from './wording'

/** The app's name, after the thread's title and alone on a new thread. */
export const APP_TITLE = 'Background jobs chat'
/**
 * Characters of the first message the title keeps. The stored job title is itself cut (at about
 * 100 characters) without a mark, so its end read "…/at/a — Background jobs chat" in the history and
 * bookmarks; cut here, the title ends in "…" and leaves the app's name in sight on a tab.
 */
export const TAB_TITLE_MAX_CHARS = 60

/** `Fix the docs — Background jobs chat`; the app's name alone for a thread without turns. */
export function threadTabTitle(firstTitle: string | undefined): string {
  const title = firstTitle === undefined ? '' : plainTitle(firstTitle)
  if (!title) return APP_TITLE
  const cut = cutTextWith(title, TAB_TITLE_MAX_CHARS, '…')
  return `${cut.length < title.length ? `${cut.slice(0, -1).trimEnd()}…` : cut} — ${APP_TITLE}`
}

/** The text of an AI SDK chat's first message (its title, as a job's is its first message); undefined for none. */
export function firstMessageText(messages: ReadonlyArray<{ parts: ReadonlyArray<{ type: string, text?: string }> }>): string | undefined {
  const text = messages[0]?.parts.filter(part => part.type === 'text').map(part => part.text ?? '').join(' ').trim()
  return text || undefined
}

/** The `titleTemplate` for `useHead` (`%s` is the page's own title). */
export function unseenTitleTemplate(listedThreadIds: readonly string[], unseen: readonly string[]): string {
  const marked = new Set(unseen)
  const count = listedThreadIds.filter(threadId => marked.has(threadId)).length
  return count ? `(${count}) %s` : '%s'
}
