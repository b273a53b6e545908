/**
 * This tab's answers to tool approvals on the /ai-sdk page, until the job's answer to each comes
 * back in the newest message: `overridden` is called when the job took another answer than this
 * tab's (another tab answered first, or the approval expired).
 */
import type { UIMessage } from 'ai'
import { isStaticToolUIPart } from 'ai'
import type { Ref } from 'vue'
import { computed, watch } from 'vue'
import { toolPartEndedBeforeApproval } from './stopped'

export function useApprovalAnswers(messages: Ref<UIMessage[]>, overridden: () => void): { answered: (id: string, approved: boolean) => void } {
  /** id → approved. */
  const answeredHere = new Map<string, boolean>()
  /** The newest message's tool calls with an approval: each one's id, state and decision. */
  const newestApprovals = computed(() => (messages.value.at(-1)?.parts ?? []).flatMap(part => (isStaticToolUIPart(part) && part.approval ? [{ id: part.approval.id, state: part.state, approved: part.approval.approved, endedFirst: toolPartEndedBeforeApproval(part) !== null }] : [])))
  watch(() => JSON.stringify(newestApprovals.value), () => {
    for (const part of newestApprovals.value) {
      if (!answeredHere.has(part.id)) continue
      // The job's answer, once the call went on with it: another one than this tab's was taken.
      if (part.state !== 'output-available' && part.state !== 'output-error' && part.state !== 'output-denied') continue
      // The answer ended before this tab's answer reached it: the call says so itself (lib/stopped.ts).
      if (part.approved !== answeredHere.get(part.id) && !part.endedFirst) overridden()
      answeredHere.delete(part.id)
    }
  })
  return { answered: (id, approved) => void answeredHere.set(id, approved) }
}
