/**
 * What a screen reader hears of a chat turn's tool calls (the rows themselves are not a live
 * region: the answer around them re-renders on every delta). The turn hands each change of its
 * calls here and appends the line it gets to the thread's polite live region: a call once when it
 * starts, once when it ends, a step's parallel calls in one line, never a line per text delta.
 * A call the user's Stop cut off is left to the turn's own "Answer stopped.".
 */
import type { ToolCallState } from '../../../shared/reducer'
import { isToolOutcome } from '../../../shared/reducer'
import { cutTextWith } from '../../../shared/cut-text'

/** What has been said of each call (by id): its start, or its end (after which nothing more). */
export type HeardToolCalls = Map<string, 'started' | 'ended'>

/** An error read out at most this long (the row's Error shows the rest). */
const ERROR_MAX_CHARS = 120

const OUTCOME_WORDS: Record<string, string> = { completed: 'done', error: 'failed', timeout: 'timed out', denied: 'denied' }

/**
 * The line to read out for what changed in `calls` since `heard` (which it updates), or null when
 * nothing new is worth saying. Call it once without reading the line to take in the calls that
 * were there before the view watched.
 */
export function toolCallAnnouncement(calls: readonly ToolCallState[], heard: HeardToolCalls): string | null {
  const started: string[] = []
  const ended: string[] = []
  for (const call of calls) {
    const before = heard.get(call.id)
    if (before === 'ended') continue
    if (!isToolOutcome(call.status)) {
      if (!before) started.push(call.name)
      heard.set(call.id, 'started')
      continue
    }
    heard.set(call.id, 'ended')
    if (call.status !== 'stopped') ended.push(outcomeSentence(call))
  }
  const lines = [...ended]
  if (started.length === 1) lines.push(`Calling the tool ${started[0]}.`)
  else if (started.length > 1) lines.push(`Calling ${started.length} tools: ${started.join(', ')}.`)
  return lines.length ? lines.join(' ') : null
}

function outcomeSentence(call: ToolCallState): string {
  const words = OUTCOME_WORDS[call.status] ?? call.status
  const error = call.status === 'error' && call.error ? `: ${cutTextWith(call.error.replace(/\s+/g, ' ').trim(), ERROR_MAX_CHARS, '…')}` : ''
  const sentence = `${call.name} ${words}${error}`
  return /[.!?…]$/.test(sentence) ? sentence : `${sentence}.`
}
