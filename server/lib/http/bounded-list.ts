/**
 * A list whose items are checked one at a time until `MAX_CHECKED_ISSUES` problems are found, and
 * no further. `z.array` checks every item and builds an issue for each wrong one: the AI SDK route
 * takes any number of messages, each with any number of parts, up to `limits.maxChatBodyBytes`,
 * so 4 MB of `"messages":[1,1,…]` held the event loop for 5 s of zod work, and one message with
 * 130,000 wrong parts overflowed the stack gathering their issues (a 500). The 400 names the first
 * problems as before and says the rest were not all checked (describe-issues.ts).
 */
import { z } from 'zod'
import { checkStopped } from '../describe-issues'

/** The problems a list gathers (its items' included) before it stops checking. */
export const MAX_CHECKED_ISSUES = 100

/** `z.array(item)` (with `.min(min.items, min.message)`), checked until `MAX_CHECKED_ISSUES` problems. */
export function boundedList<Item extends z.ZodType>(item: Item, min?: { items: number, message: string }) {
  return z.unknown().transform((value, context): Array<z.output<Item>> => {
    if (!Array.isArray(value)) {
      context.addIssue({ code: 'invalid_type', expected: 'array', input: value })
      return z.NEVER
    }
    if (min && value.length < min.items) {
      context.addIssue({ code: 'too_small', origin: 'array', minimum: min.items, inclusive: true, message: min.message, input: value })
      return z.NEVER
    }
    const items: Array<z.output<Item>> = new Array(value.length)
    let found = 0
    for (let index = 0; index < value.length; index++) {
      const result = item.safeParse(value[index])
      if (result.success) {
        items[index] = result.data
        continue
      }
      for (const issue of result.error.issues) context.addIssue({ ...issue, path: [index, ...issue.path] } as z.core.$ZodRawIssue)
      found += result.error.issues.length
      if (found >= MAX_CHECKED_ISSUES && index < value.length - 1) {
        context.addIssue(checkStopped())
        return z.NEVER
      }
    }
    return found > 0 ? z.NEVER : items
  })
}
