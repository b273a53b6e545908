/**
 * A tool call's progress as the demo shows it (components/ToolProgress.vue): from the job's state
 * (`toolCalls[].progress`) on the main chat, from the AI SDK message's `data-tool-progress` part on
 * the /ai-sdk page (docs/tool-progress.md).
 */
import type { UIMessage } from 'ai'

/** What the row shows: the tool's message, and how far along when it said. */
export interface ShownProgress {
  message: string
  fraction?: number
}

/** The latest progress the message holds for the call `toolCallId`, or null. */
export function messageToolProgress(message: UIMessage, toolCallId: string): ShownProgress | null {
  for (const part of message.parts) {
    if (part.type !== 'data-tool-progress' || !('id' in part) || part.id !== toolCallId) continue
    const data = (part as { data?: unknown }).data as { message?: unknown, fraction?: unknown } | undefined
    if (typeof data?.message !== 'string') return null
    return { message: data.message, ...(typeof data.fraction === 'number' ? { fraction: data.fraction } : {}) }
  }
  return null
}

/**
 * An AI SDK tool part whose call is running, as far as the message tells: its input is in
 * (`input-available`), or it needed an approval that was granted — the SDK keeps such a part
 * `approval-responded` until the call's outcome comes. A denied one (`approved: false`) waits for
 * its `output-denied` and never runs. Whether the answer was stopped is the caller's to add.
 */
export function toolPartRunning(part: { state: string, approval?: { approved?: boolean } }): boolean {
  return part.state === 'input-available' || (part.state === 'approval-responded' && part.approval?.approved !== false)
}

/** The fraction as a whole percentage, or null without one. */
export function progressPercent(progress: ShownProgress): number | null {
  return progress.fraction === undefined ? null : Math.round(progress.fraction * 100)
}
