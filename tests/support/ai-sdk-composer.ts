/** Driving the /ai-sdk page's composer in a client render (tests/support/ai-sdk-page.ts): type, send, read the user's messages. */
import type { FakeNode } from './demo-client-render'
import { allNodes, textOf } from './demo-client-render'
import { settle } from './ai-sdk-page'

/** The message box. */
export function composerBox(root: FakeNode): FakeNode {
  return allNodes(root).find(item => item.tag === 'textarea')!
}

/** Types `text` into the box, as an input event. */
export async function typeMessage(root: FakeNode, text: string): Promise<void> {
  const input = composerBox(root)
  input.value = text
  for (const listener of input.listeners.input ?? []) listener({ target: input })
  await settle()
}

/** Submits the composer's form (Send, or Enter). */
export async function submitMessage(root: FakeNode): Promise<void> {
  const form = allNodes(root).find(item => item.tag === 'form')!
  ;(form.props.onSubmit as (event: unknown) => void)({ preventDefault: () => {}, stopPropagation: () => {} })
  await settle()
}

/** The user's messages shown in the conversation. */
export function userMessages(root: FakeNode): string[] {
  return allNodes(root).filter(item => String(item.props.class ?? '').includes('bubble-user')).map(item => textOf(item).trim())
}
