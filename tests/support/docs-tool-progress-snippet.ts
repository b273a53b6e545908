// docs/tool-progress.md's AI SDK example, verbatim below this comment (ai-sdk-tool-progress-docs.test.ts
// holds the page to it), so `tsc -p tests` type-checks it against the SDK's types.
import type { DataUIPart, ToolUIPart, UIMessage } from 'ai'

// The data part the layer sends: `data-tool-progress`.
type ToolProgressData = { 'tool-progress': { toolCallId: string, message: string, fraction?: number } }
export type ChatMessage = UIMessage<unknown, ToolProgressData> // useChat<ChatMessage>(…)

// The latest progress of a tool part's call, to show while the call runs.
export const progressOf = (message: ChatMessage, toolCallId: string) =>
  message.parts.find((part): part is DataUIPart<ToolProgressData> => part.type === 'data-tool-progress' && part.id === toolCallId)?.data
// Running: the input is in, or the call's approval was granted and its output has not come.
export const runs = (part: ToolUIPart) =>
  part.state === 'input-available' || (part.state === 'approval-responded' && part.approval.approved)
