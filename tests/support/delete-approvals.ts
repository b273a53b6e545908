/**
 * The first step of a chat runner asking to delete files, each `delete_file` call waiting for its
 * own approval and ending on its own (as the executor runs a step's calls in parallel): the shape
 * the AI SDK route's approval tests stream.
 */
import type { ChatJobRequest } from '../../server/lib/providers/types'
import type { RunContext } from '../../server/lib/run-context'

/** Whether an approval's answer approves. */
export const approved = (answer: unknown) => typeof answer === 'object' && answer !== null && (answer as { approved?: unknown }).approved === true

/** Step 1: `text`, then one call per path (`call_0`, …), each answered then ended. */
export async function askToDelete(context: RunContext, paths: readonly string[], text: string): Promise<void> {
  context.emit({ type: 'step-start', step: 1 })
  context.text(text)
  context.emit({ type: 'step-end', step: 1, finishReason: 'tool_calls' })
  paths.forEach((path, index) => context.emit({ type: 'tool-call', id: `call_${index}`, name: 'delete_file', args: { path }, step: 1 }))
  await Promise.all(paths.map(async (path, index) => {
    const { answer } = await context.requestInput({ kind: 'tool-approval', prompt: `Delete ${path}?`, onTimeout: 'deny', toolCallId: `call_${index}`, tool: 'delete_file', args: { path } })
    context.emit(approved(answer)
      ? { type: 'tool-result', id: `call_${index}`, status: 'completed', result: { deleted: path }, durationMs: 1 }
      : { type: 'tool-result', id: `call_${index}`, status: 'denied', error: 'not approved', durationMs: 0 })
  }))
}

/** Step 2, the closing one: `Done.`, then the end. */
export function doneStep(context: RunContext): void {
  context.emit({ type: 'step-start', step: 2 })
  context.text('Done.')
  context.emit({ type: 'step-end', step: 2, finishReason: 'stop' })
}

/** A chat runner: step 1 asks to delete `paths` (`askToDelete`), step 2 says `Done.`. */
export function deleteThenDone(paths: readonly string[], text: string): (context: RunContext) => Promise<void> {
  return async (context) => {
    await askToDelete(context, paths, text)
    doneStep(context)
  }
}

/** A chat runner: a last message asking to `delete` gets `Deleting. ` and the approval for `a.txt` (`askToDelete`); any other, `Plain answer.`. */
export async function deleteOrPlainAnswer(context: RunContext, request: ChatJobRequest): Promise<void> {
  if (request.messages.at(-1)?.content?.includes('delete')) return await askToDelete(context, ['a.txt'], 'Deleting. ')
  context.emit({ type: 'step-start', step: 1 })
  context.text('Plain answer.')
  context.emit({ type: 'step-end', step: 1, finishReason: 'stop' })
}
