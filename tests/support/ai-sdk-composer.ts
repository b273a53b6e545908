/** Driving the /ai-sdk page's composer in a client render (tests/support/ai-sdk-page.ts): type, send, read the user's messages, click. */
import type { FakeNode } from './demo-client-render'
import { allNodes, textOf } from './demo-client-render'
import { formatChunk } from '../../server/lib/ai-sdk/ui-chunks'
import type { PageWorld } from './ai-sdk-page'
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

/** The user's messages shown in the conversation (each bubble's text, not its heading for screen readers). */
export function userMessages(root: FakeNode): string[] {
  return allNodes(root).filter(item => String(item.props.class ?? '').includes('user-text')).map(item => textOf(item).trim())
}

/** Clicks a rendered button. */
export function click(button: FakeNode): void {
  ;(button.props.onClick as (event: unknown) => void)({})
}

/** An abort read of chat `c1` that never reaches the server (for `page.abortReads`). */
export const ABORT_UNREACHABLE = () => Promise.reject(new TypeError('[POST] "/api/jobs/chat/c1/abort": <no response> Failed to fetch'))

/** Sends "Hello" and streams the start of its answer, job `job-1`: "Once upon". */
export async function sendHelloAndStream(page: PageWorld, root: FakeNode): Promise<void> {
  await typeMessage(root, 'Hello')
  await submitMessage(root)
  page.answer([
    formatChunk({ type: 'start', messageId: 'job-1' }),
    formatChunk({ type: 'start-step' }),
    formatChunk({ type: 'text-start', id: 't1' }),
    formatChunk({ type: 'text-delta', id: 't1', delta: 'Once upon' }),
  ].join(''))
  await settle()
}
