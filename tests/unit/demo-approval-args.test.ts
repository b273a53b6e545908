/**
 * The AI SDK page's approvals show the arguments the tool's schema produced, carried in the finish
 * metadata of the response that ends waiting (demo/app/lib/approval-args.ts).
 */
import { describe, expect, it } from 'vitest'
import { approvalArgsMetadata, approvalArgsOf } from '../../demo/app/lib/approval-args'

describe('demo AI SDK page: the checked arguments of a tool approval', () => {
  it('are keyed by tool call; other questions and a job waiting for none set nothing', () => {
    expect(approvalArgsMetadata([
      { kind: 'tool-approval', toolCallId: 'call_1', args: { path: 'notes.txt', recursive: false } },
      { kind: 'workflow-input', args: { topic: 'cats' } },
    ])).toEqual({ approvalArgs: { call_1: { path: 'notes.txt', recursive: false } } })
    expect(approvalArgsMetadata([])).toBeNull()
  })

  it('are read back for a call, and only for it (no metadata, another call, an inherited key)', () => {
    const metadata = { ended: 'aborted', approvalArgs: { call_1: { path: 'a', recursive: false } } }
    expect(approvalArgsOf(metadata, 'call_1')).toEqual({ path: 'a', recursive: false })
    expect([approvalArgsOf(metadata, 'call_2'), approvalArgsOf(metadata, 'toString'), approvalArgsOf(undefined, 'call_1'), approvalArgsOf({ approvalArgs: 'x' }, 'call_1')]).toEqual([undefined, undefined, undefined, undefined])
  })
})
