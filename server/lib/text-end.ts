/**
 * The end of a job's content or reasoning, which paragraph breaks are judged on, read through the
 * run's `textEnd` when it has one: `state().content.endsWith('\n')` on the text of a long job
 * copies the whole text (a string built by appending is flattened first), at every node and round.
 */
import type { RunContext } from './run-context'

/** The last two UTF-16 units of the job's content or reasoning ('' for none yet). */
export function textEnd(context: Pick<RunContext, 'state' | 'textEnd'>, kind: 'content' | 'reasoning'): string {
  return context.textEnd?.(kind) ?? context.state()[kind].slice(-2)
}
