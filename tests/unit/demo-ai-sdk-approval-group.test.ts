/**
 * The Approve and Deny buttons of a tool call on the /ai-sdk page say which call they answer: they
 * are a group named by the call's line (the tool, the arguments it would run with, "waiting for
 * approval"), as the main chat's approval is a group named "Approval needed" above "Allow
 * delete_file to run with: …" (InputPrompt.vue). Before, a screen reader user tabbing to them heard
 * "Approve, button" and nothing else — with two calls waiting, the same twice.
 * Page rendered by tests/support/ai-sdk-page.ts.
 */
import { describe, expect, it } from 'vitest'
import type { FakeNode } from '../support/demo-client-render'
import { allNodes, buttons } from '../support/demo-client-render'
import { settle, usePage } from '../support/ai-sdk-page'

const page = usePage()

/** The text a screen reader reads of `target` (not what is aria-hidden). */
function spokenText(target: FakeNode): string {
  if (target.props['aria-hidden'] === 'true' || target.props['aria-hidden'] === true) return ''
  return target.text + target.children.map(spokenText).join('')
}

/** The name a screen reader gives the group around `target`, or null when it is in none. */
function groupName(root: FakeNode, target: FakeNode): string | null {
  for (let at: FakeNode | null = target.parent; at; at = at.parent) {
    if (at.props.role !== 'group') continue
    const label = allNodes(root).find(item => item.props.id !== undefined && item.props.id === at!.props['aria-labelledby'])
    return label ? spokenText(label).replace(/\s+/g, ' ').trim() : null
  }
  return null
}

describe('/ai-sdk page: approval buttons', () => {
  it('are a group named by the call they answer, one per call', async () => {
    const asking = (id: string, path: string) => ({ type: 'tool-delete_file' as const, toolCallId: `call-${id}`, state: 'approval-requested' as const, input: { path }, approval: { id: `r${id}` } })
    page.loaded = [
      { id: 'u1', role: 'user', parts: [{ type: 'text', text: 'Delete a.txt and b.txt' }] },
      { id: 'job-1', role: 'assistant', parts: [{ type: 'step-start' }, asking('1', 'a.txt'), asking('2', 'b.txt')] },
    ]
    const root = page.mount()
    await settle()
    const names = buttons(root, 'Approve').map(button => groupName(root, button))
    expect(names).toEqual([expect.stringMatching(/^delete_file.*a\.txt.*waiting for approval$/), expect.stringMatching(/^delete_file.*b\.txt.*waiting for approval$/)])
  })
})
