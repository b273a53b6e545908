/**
 * What a screen reader hears of the /ai-sdk page's answers, as in the main chat (JobTurn.vue): the
 * answer on screen re-renders on every delta, so the page appends to a polite live region of its
 * own the new part of the newest answer a sentence or a line at a time (lib/announcements.ts), its
 * tool calls once when they start and once when they end (lib/tool-call-announcements.ts), an
 * approval once when it waits, and how the answer ended. Answers already there when the page
 * loaded the chat (a reload, mid-answer too: the resume replays the answer from its start) are
 * taken in silently: only what comes after is read. A failure is the page's own alert.
 */
import type { UIMessage } from 'ai'
import { isStaticToolUIPart } from 'ai'
import type { ToolCallState } from '../../../shared/reducer'
import { answerEndNote } from './answer-end'
import { nextAnnouncement } from './announcements'
import { isStoppedToolPart, toolPartEndedBeforeApproval } from './stopped'
import type { HeardToolCalls } from './tool-call-announcements'
import { toolCallAnnouncement } from './tool-call-announcements'

/** How an answer's response ended, as far as the page knows. */
export type AnswerOutcome = 'finished' | 'stopped' | 'failed'

/** What has been read of one answer (by message id). */
interface HeardAnswer {
  /** Offset in the answer's text (answerText) up to which it has been read. */
  upTo: number
  calls: HeardToolCalls
  /** Approval ids whose wait has been said (or that were there when the page joined). */
  asked: Set<string>
  /** Its end ("Answer finished." / "Answer stopped.") has been said. */
  ended: boolean
}

/**
 * The answer's text parts as one text, each one that has a part after it ended by a line break (so
 * it is read before the tool call that follows it). Grows only at its end while the answer streams.
 */
export function answerText(message: UIMessage): string {
  return message.parts.map((part, index) => (part.type === 'text' ? part.text + (index < message.parts.length - 1 ? '\n' : '') : '')).join('')
}

/** The answer's tool parts as the main chat's tool calls (only what the announcement reads). */
function toolCallsOf(message: UIMessage): ToolCallState[] {
  return message.parts.flatMap((part): ToolCallState[] => {
    if (!isStaticToolUIPart(part)) return []
    const call = { id: part.toolCallId, name: part.type.slice('tool-'.length), args: part.input, step: 0 }
    switch (part.state) {
      case 'approval-requested': return [{ ...call, status: 'waiting-approval' }]
      case 'output-available': return [{ ...call, status: 'completed' }]
      case 'output-denied': {
        // Denied by the answer's end while its approval waited (lib/stopped.ts), not by the user.
        const ended = toolPartEndedBeforeApproval(part)
        return [ended === 'stopped' ? { ...call, status: 'stopped' } : ended === 'failed' ? { ...call, status: 'error', error: part.approval.reason } : { ...call, status: 'denied' }]
      }
      case 'output-error': return [isStoppedToolPart(part) ? { ...call, status: 'stopped' } : { ...call, status: 'error', error: part.errorText }]
      default: return [{ ...call, status: 'running' }]
    }
  })
}

/** The approvals of the answer that wait: id and tool name. */
function waitingApprovals(message: UIMessage): Array<{ id: string, name: string }> {
  return message.parts.flatMap(part => (isStaticToolUIPart(part) && part.state === 'approval-requested' ? [{ id: part.approval.id, name: part.type.slice('tool-'.length) }] : []))
}

/** Reads the page's answers out; one per page (chat). */
export class AnswerAnnouncer {
  readonly #answers = new Map<string, HeardAnswer>()

  /** The chat's messages as loaded: what they hold is taken in silently. */
  join(messages: readonly UIMessage[]): void {
    for (const message of messages) {
      if (message.role !== 'assistant') continue
      const heard = this.#heard(message)
      heard.upTo = Math.max(heard.upTo, answerText(message).length)
      toolCallAnnouncement(toolCallsOf(message), heard.calls)
      for (const approval of waitingApprovals(message)) heard.asked.add(approval.id)
    }
  }

  /** What to read of `message` (the newest answer) while it streams: finished sentences, tool calls. */
  next(message: UIMessage | undefined): string[] {
    if (message?.role !== 'assistant') return []
    return this.#read(message, false)
  }

  /**
   * What to read once the response writing `message` ended (`outcome`): the rest of its text, its
   * calls, then an approval that now waits, or how it ended (a failure is the page's alert).
   */
  end(message: UIMessage | undefined, outcome: AnswerOutcome): string[] {
    if (message?.role !== 'assistant') return []
    const heard = this.#heard(message)
    const lines = this.#read(message, true)
    if (heard.ended || outcome === 'failed') return lines
    if (outcome === 'finished') {
      const waiting = waitingApprovals(message)
      if (waiting.length) {
        const fresh = waiting.filter(approval => !heard.asked.has(approval.id))
        for (const approval of fresh) heard.asked.add(approval.id)
        if (fresh.length) lines.push(`Waiting for your approval: ${fresh.map(approval => approval.name).join(', ')}.`)
        return lines
      }
    }
    heard.ended = true
    // One cut off (length limit, content filter) is not said to have finished: the reader hears
    // the note the page shows under it.
    const note = answerEndNote(message.metadata)
    lines.push(outcome === 'stopped' ? 'Answer stopped.' : note?.kind === 'cut-off' ? note.text : 'Answer finished.')
    return lines
  }

  #read(message: UIMessage, final: boolean): string[] {
    const heard = this.#heard(message)
    const lines: string[] = []
    const step = nextAnnouncement(answerText(message), heard.upTo, final)
    if (step) {
      heard.upTo = step.upTo
      if (step.text) lines.push(step.text)
    }
    const calls = toolCallAnnouncement(toolCallsOf(message), heard.calls)
    if (calls) lines.push(calls)
    return lines
  }

  #heard(message: UIMessage): HeardAnswer {
    let heard = this.#answers.get(message.id)
    if (!heard) {
      heard = { upTo: 0, calls: new Map(), asked: new Set(), ended: false }
      this.#answers.set(message.id, heard)
    }
    return heard
  }
}
