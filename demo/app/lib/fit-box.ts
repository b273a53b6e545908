/**
 * A text box that grows with its text, as chat apps' boxes do: the composer, and the box a message
 * is edited in (which opens on the whole message, not three lines of it). The CSS `max-height`
 * caps it; past that it scrolls.
 */

/** The box's top and bottom borders (1px each in the demo's CSS): `scrollHeight` leaves them out. */
const BORDER_PX = 2

/** Sets `element`'s height to fit its text. */
export function fitBoxToText(element: HTMLTextAreaElement | null | undefined): void {
  if (!element) return
  element.style.height = 'auto'
  element.style.height = `${element.scrollHeight + BORDER_PX}px`
}
