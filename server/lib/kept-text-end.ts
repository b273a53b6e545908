/**
 * The end of a live job's content or reasoning kept up to date from each delta (what
 * `LiveJob.textEnd` reads): the last delta, kept whole, and the length of the text it ends. Reading
 * it from the whole text instead flattens the text, a copy of all of it, at every node and round.
 * Both functions change the kept end in place: it is the job's alone (it hands out only its text),
 * so no object per event.
 */

/** The kept end of one text: `text` ends the job's text when that text is `length` units long. */
export interface KeptTextEnd {
  text: string
  length: number
}

/** The kept ends of a job's content and reasoning. */
export interface KeptTextEnds {
  content: KeptTextEnd
  reasoning: KeptTextEnd
}

/** Kept ends for a job whose texts are not read yet (the first read takes them from the texts). */
export function createKeptTextEnds(): KeptTextEnds {
  return { content: { text: '', length: 0 }, reasoning: { text: '', length: 0 } }
}

/**
 * The last two UTF-16 units of `whole`, from the kept end: read from the whole text only when the
 * deltas do not account for its length (the state a takeover started from).
 */
export function readTextEnd(end: KeptTextEnd, whole: string): string {
  if (end.length !== whole.length) {
    end.text = whole.slice(-2)
    end.length = whole.length
  }
  return end.text.length > 2 ? end.text.slice(-2) : end.text
}

/**
 * Moves the kept end on by a delta `text` appended to a text `before` units long, now `length`
 * long; an end that does not match the text before is left to the next read to take again.
 */
export function keepTextEnd(end: KeptTextEnd, before: number, length: number, text: string): void {
  if (end.length !== before || length !== before + text.length) return
  // A delta of two units or more ends as the text does: kept whole, cut when read (`readTextEnd`).
  end.text = text.length >= 2 ? text : (end.text + text).slice(-2)
  end.length = length
}
