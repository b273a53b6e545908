/**
 * How an error answer quotes what a client sent (a job id from the path, the path itself, a header):
 * whole up to 200 characters — the longest id the routes take — and past that cut, with its length,
 * so a client's 10 KB id or header does not come back as a 10 KB error body (and log line).
 */
import { cutText } from '../../shared/cut-text'

/** The longest client-given text an error message quotes whole. */
export const MAX_SHOWN_INPUT_CHARS = 200

/** `text` as an error message shows it: whole up to `maxChars`, else its start, `…` and its length. */
export function shownInput(text: string, maxChars = MAX_SHOWN_INPUT_CHARS): string {
  return text.length <= maxChars ? text : `${cutText(text, maxChars)}… (${text.length} characters)`
}
