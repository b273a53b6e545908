/**
 * UI message parts built from our own chunks, the way the SDK's client builds them (the tests
 * compare the two), so the server can hand a chat's history to `useChat({ messages })` without
 * depending on `ai`.
 */
import type { UiApprovalDescriptor, UiChunk, UiToolProgress } from './ui-chunks'

/** A text or reasoning part. */
export interface UiTextPart {
  type: 'text' | 'reasoning'
  text: string
  /** Absent on user messages. */
  state?: 'streaming' | 'done'
  /** Reasoning parts keep their id, as the SDK's do. */
  id?: string
}

/** A tool part (`tool-<name>`), in the SDK's states. */
export interface UiToolPart {
  type: `tool-${string}`
  toolCallId: string
  state: 'input-available' | 'approval-requested' | 'approval-responded' | 'output-available' | 'output-error' | 'output-denied'
  input: unknown
  output?: unknown
  errorText?: string
  /** `descriptor`: what the request carried (ui-chunks.ts), kept once it is answered, as the SDK does. */
  approval?: { id: string, approved?: boolean, reason?: string, descriptor?: UiApprovalDescriptor }
}

/** A running call's progress (`data-tool-progress`, one per call: a later one replaces it, as in the SDK). */
export interface UiDataPart {
  type: 'data-tool-progress'
  id: string
  data: UiToolProgress
}

/** A part of an assistant message. */
export type UiPart = { type: 'step-start' } | UiTextPart | UiToolPart | UiDataPart

/** A UI message (`UIMessage`). */
export interface UiMessage {
  id: string
  role: 'user' | 'assistant'
  parts: UiPart[]
  /**
   * A user message's metadata as its client sent it (prompt-metadata.ts); an assistant message's
   * from the app's hook (message-metadata.ts). Absent without one.
   */
  metadata?: unknown
}

/** The parts a client ends with after reading `chunks`. */
export function partsFromChunks(chunks: readonly UiChunk[]): UiPart[] {
  const parts: UiPart[] = []
  const open = new Map<string, UiTextPart>()
  const tools = new Map<string, UiToolPart>()
  const tool = (toolCallId: string, patch: Partial<UiToolPart>) => {
    const part = tools.get(toolCallId)
    if (part) Object.assign(part, patch)
  }
  for (const chunk of chunks) {
    switch (chunk.type) {
      case 'start-step':
        parts.push({ type: 'step-start' })
        break
      case 'reset-step':
        // As the SDK does: the parts since the last step-start are taken back, nothing stays open.
        for (const part of parts.splice(parts.findLastIndex(part => part.type === 'step-start') + 1)) {
          if ('toolCallId' in part) tools.delete(part.toolCallId)
        }
        open.clear()
        break
      case 'text-start':
      case 'reasoning-start': {
        const part: UiTextPart = chunk.type === 'text-start' ? { type: 'text', text: '', state: 'streaming' } : { type: 'reasoning', id: chunk.id, text: '', state: 'streaming' }
        open.set(`${part.type}:${chunk.id}`, part)
        parts.push(part)
        break
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const part = open.get(`${chunk.type === 'text-delta' ? 'text' : 'reasoning'}:${chunk.id}`)
        if (part) part.text += chunk.delta
        break
      }
      case 'text-end':
      case 'reasoning-end': {
        const key = `${chunk.type === 'text-end' ? 'text' : 'reasoning'}:${chunk.id}`
        const part = open.get(key)
        if (part) part.state = 'done'
        open.delete(key)
        break
      }
      case 'tool-input-available': {
        const part: UiToolPart = { type: `tool-${chunk.toolName}`, toolCallId: chunk.toolCallId, state: 'input-available', input: chunk.input }
        tools.set(chunk.toolCallId, part)
        parts.push(part)
        break
      }
      case 'tool-approval-request':
        tool(chunk.toolCallId, { state: 'approval-requested', approval: { id: chunk.approvalId, ...(chunk.approvalDescriptor ? { descriptor: chunk.approvalDescriptor } : {}) } })
        break
      case 'tool-approval-response':
        for (const part of tools.values()) {
          if (part.approval?.id !== chunk.approvalId) continue
          part.state = 'approval-responded'
          part.approval = { ...part.approval, id: chunk.approvalId, approved: chunk.approved, ...(chunk.reason ? { reason: chunk.reason } : {}) }
        }
        break
      case 'tool-output-available':
        tool(chunk.toolCallId, { state: 'output-available', output: chunk.output })
        break
      case 'tool-output-error':
        tool(chunk.toolCallId, { state: 'output-error', errorText: chunk.errorText })
        break
      case 'tool-output-denied':
        tool(chunk.toolCallId, { state: 'output-denied' })
        break
      case 'data-tool-progress': {
        const data = parts.find((part): part is UiDataPart => part.type === chunk.type && part.id === chunk.id)
        if (data) data.data = chunk.data
        else parts.push({ type: chunk.type, id: chunk.id, data: chunk.data })
        break
      }
      default:
        // start, finish, error and abort chunks are not parts.
    }
  }
  return parts
}
