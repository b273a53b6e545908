/**
 * The /ai-sdk page showing a tool call whose answer ended while its approval waited. The chat route
 * now ends such a call denied, with a reason saying the answer was stopped (or failed) before the
 * call was approved (shared/ended-before-approval.ts: the only shape the SDK's `validateUIMessages`
 * takes for it). The page must still say what happened — stopped while it waited, it did not run —
 * not "denied", which the user never did. Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { UIMessage } from 'ai'
import { endedBeforeApprovalReason, STOPPED_BEFORE_APPROVAL_REASON } from '../../shared/ended-before-approval'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { UiChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons, textOf } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'
import { submitMessage, typeMessage } from '../support/ai-sdk-composer'

const page = usePage()

/** Each tool call on the page: its tool, chip, note and shown detail. */
function calls(root: FakeNode): Array<{ tool: unknown, chip: string, note: string | undefined, detail: string | undefined }> {
  return allNodes(root).filter(item => item.props['data-tool'] !== undefined).map((call) => {
    const inside = allNodes(call)
    const find = (name: string) => inside.find(item => String(item.props.class ?? '').split(' ').includes(name))
    const note = find('tool-note')
    const detail = inside.find(item => item.tag === 'pre')
    return { tool: call.props['data-tool'], chip: textOf(find('status-chip')!).trim(), note: note && textOf(note).trim(), detail: detail && textOf(detail).trim() }
  })
}

const denied = (id: string, reason: string): UIMessage['parts'][number] => ({ type: 'tool-delete_file', toolCallId: id, state: 'output-denied', input: { path: 'a.txt' }, approval: { id: `r-${id}`, approved: false, reason } })

describe('/ai-sdk page: a call whose answer ended while its approval waited', () => {
  it('after a reload: stopped (not denied) when the answer was stopped, not run when it failed', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete a.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'step-start' }, denied('c1', STOPPED_BEFORE_APPROVAL_REASON)] },
      { id: 'u2', role: 'user', parts: [{ type: 'text', text: 'Again' }] },
      { id: 'job-2', role: 'assistant', parts: [{ type: 'step-start' }, denied('c2', endedBeforeApprovalReason('failed', 'timeout'))] },
      { id: 'u3', role: 'user', parts: [{ type: 'text', text: 'Again' }] },
      { id: 'job-3', role: 'assistant', parts: [{ type: 'step-start' }, denied('c3', 'Not that file')] },
    ]
    const root = page.mount()
    await settle()
    expect(calls(root)).toEqual([
      // Before: chip "denied", no note — as if the user had denied it.
      { tool: 'delete_file', chip: 'stopped', note: 'Stopped while it waited for approval; it did not run.', detail: undefined },
      { tool: 'delete_file', chip: 'not run', note: undefined, detail: 'The answer failed (timeout) before the call was approved; the tool did not run.' },
      // The user's own denial stays a denial.
      { tool: 'delete_file', chip: 'denied', note: undefined, detail: undefined },
    ])
  })

  it('live: the route\'s end of a call stopped while its approval waited says stopped', async () => {
    const root = page.mount()
    await settle()
    await typeMessage(root, 'Delete a.txt and tell the time')
    await submitMessage(root)
    const chunks: UiChunk[] = [
      { type: 'start', messageId: 'job-1' },
      { type: 'start-step' },
      { type: 'tool-input-available', toolCallId: 'c1', toolName: 'delete_file', input: { path: 'a.txt' } },
      { type: 'tool-approval-request', approvalId: 'r1', toolCallId: 'c1', approvalDescriptor: { args: { path: 'a.txt' } } },
      { type: 'tool-input-available', toolCallId: 'c2', toolName: 'get_time', input: {} },
      // Stopped from another tab: as the route ends the job (snapshot-chunks.ts writeCutOffCalls).
      { type: 'tool-approval-response', approvalId: 'r1', approved: false, reason: STOPPED_BEFORE_APPROVAL_REASON },
      { type: 'tool-output-denied', toolCallId: 'c1' },
      { type: 'tool-output-error', toolCallId: 'c2', errorText: 'job aborted (aborted)' },
      { type: 'abort', reason: 'Aborted by the user' },
    ]
    page.answer(chunks.map(formatChunk).join(''), true)
    await settle()
    expect(calls(root).map(({ tool, chip, note }) => ({ tool, chip, note }))).toEqual([
      { tool: 'delete_file', chip: 'stopped', note: 'Stopped while it waited for approval; it did not run.' },
      { tool: 'get_time', chip: 'stopped', note: 'Stopped before it finished.' },
    ])
  })

  it('approved here after it was stopped elsewhere: says stopped, not that the approval was already answered', async () => {
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete a.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'step-start' }, { type: 'tool-delete_file', toolCallId: 'c1', state: 'approval-requested', input: { path: 'a.txt' }, approval: { id: 'r1' } }] },
    ]
    const root = page.mount()
    await settle()
    ;(buttons(root, 'Approve')[0]!.props.onClick as (event: unknown) => void)({})
    await settle()
    expect(page.posted).toHaveLength(1)
    // The job was stopped from another tab meanwhile: the post streams its end (answered-approvals.ts).
    const chunks: UiChunk[] = [
      { type: 'start', messageId: 'job-1' },
      { type: 'tool-approval-response', approvalId: 'r1', approved: false, reason: STOPPED_BEFORE_APPROVAL_REASON },
      { type: 'tool-output-denied', toolCallId: 'c1' },
      { type: 'abort', reason: 'Aborted by the user' },
    ]
    page.answer(chunks.map(formatChunk).join(''), true)
    await settle()
    expect(calls(root).map(({ chip, note }) => ({ chip, note }))).toEqual([{ chip: 'stopped', note: 'Stopped while it waited for approval; it did not run.' }])
    // Not "This approval was already answered or has expired.": nobody answered it, the answer stopped.
    expect(allNodes(root).filter(item => item.props['data-approval-gone'] !== undefined)).toEqual([])
  })
})
