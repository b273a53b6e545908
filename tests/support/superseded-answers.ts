/**
 * A chat whose answer still streams, or waits for a tool approval, when the user writes on (a new
 * message, a regenerate, an edit, another tab): the real executor, the real model client on an
 * upstream that counts what it is sent, a model that streams until stopped, and a `delete_file`
 * tool that needs approval. Shared by ai-sdk-superseded-approval, ai-sdk-superseded-running (memory)
 * and redis-superseded-approval (across instances).
 */
import { z } from 'zod'
import { createModelClient } from '../../server/lib/model/client'
import type { ModelClient, ModelRequest } from '../../server/lib/model/types'
import type { FetchLike } from '../../server/lib/model/client'
import { createToolRegistry } from '../../server/lib/tools/registry'
import { defineTool } from '../../server/utils/define-tool'
import { TEST_CLIENT_OPTIONS } from './collect-stream'
import { sse } from './recording-upstream'

/** What the upstream was sent: one body per model request. */
type SentBody = { messages: Array<{ role: string, content?: unknown }> }

/**
 * An upstream whose answer to a last user message asking to "delete" is a round that starts to
 * answer and asks for `delete_file`; to anything else, `Hello.`. Counts every request, and those
 * that go on from a tool's result (the round an approval's answer would start).
 */
export function countingUpstream() {
  const sent: SentBody[] = []
  const fetch: FetchLike = async (_url, init) => {
    const body = JSON.parse(String(init?.body)) as SentBody
    sent.push(body)
    const last = body.messages.at(-1)
    const asksToDelete = last?.role === 'user' && String(last.content).includes('delete')
    const answer = asksToDelete
      ? sse([{ content: 'Deleting it. ' }, { tool_calls: [{ index: 0, id: 'call_delete', type: 'function', function: { name: 'delete_file', arguments: '{"path":"a.txt"}' } }] }], 'tool_calls')
      : sse([{ content: 'Hello.' }], 'stop')
    return new Response(answer, { status: 200, headers: { 'content-type': 'text/event-stream' } })
  }
  return {
    /** The real model client on this upstream. */
    model: createModelClient({ ...TEST_CLIENT_OPTIONS, baseUrl: 'https://upstream.test/v1', apiKey: 'sk-test', fetch }),
    sent,
    /**
     * Requests that go on from a tool's result (their last message is one): a model round started
     * after an approval's answer. A later turn's history may hold the call's result too, before its user message.
     */
    afterToolResults: () => sent.filter(body => body.messages.at(-1)?.role === 'tool').length,
  }
}

/** A `delete_file` tool that needs approval; `deleted` lists what it deleted. */
export function deleteTool() {
  const deleted: string[] = []
  const tools = createToolRegistry([defineTool({
    name: 'delete_file',
    description: 'Deletes a file',
    parameters: z.object({ path: z.string() }),
    needsApproval: true,
    execute: ({ path }) => {
      deleted.push(path)
      return { deleted: path }
    },
  })])
  return { tools, deleted }
}

/**
 * A model that asks for `delete_file` on a.txt when the last user message says "delete", and
 * otherwise (after the tool's result too) says `Done.`; `onRound` sees each request as it came.
 */
export function deleteAskingModel(onRound: (request: ModelRequest) => void = () => {}): ModelClient {
  return {
    scripted: false,
    async* stream(request: ModelRequest) {
      onRound(request)
      const last = request.messages.at(-1)!
      if (last.role === 'user' && String(last.content).includes('delete')) {
        yield { type: 'tool-call', call: { id: 'call_delete', name: 'delete_file', arguments: '{"path":"a.txt"}' } }
        yield { type: 'finish', finishReason: 'tool_calls' }
        return
      }
      yield { type: 'text-delta', text: 'Done.' }
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}

/** A UI message with one text part. */
export const textMessage = (id: string, role: 'user' | 'assistant', text: string) => ({ id, role, parts: [{ type: 'text', text }] })

/** Posts a transport body to the chat route and reads its whole stream; the job it answers with (its `start`'s `messageId`). */
export async function postTurn(base: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number, jobId?: string, body: string }> {
  const response = await fetch(`${base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  const text = await response.text()
  if (response.status !== 200) return { status: response.status, body: text }
  const start = text.split('\n').filter(line => line.startsWith('data: {')).map(line => JSON.parse(line.slice('data: '.length)) as { type: string, messageId?: string }).find(chunk => chunk.type === 'start')
  return { status: 200, jobId: start?.messageId, body: text }
}

/**
 * A model whose answer to a last user message asking for something "long" is `Partial ` and then
 * nothing until its job is stopped; to anything else, `Hello.`. Keeps every request.
 */
export function longAnswerModel(): ModelClient & { requests: ModelRequest[] } {
  const requests: ModelRequest[] = []
  return {
    scripted: false,
    requests,
    async* stream(request, signal) {
      requests.push(request)
      if (String(request.messages.at(-1)?.content).includes('long')) {
        yield { type: 'text-delta', text: 'Partial ' }
        await new Promise((_resolve, reject) => {
          if (signal.aborted) reject(signal.reason)
          signal.addEventListener('abort', () => reject(signal.reason), { once: true })
        })
      }
      yield { type: 'text-delta', text: 'Hello.' }
      yield { type: 'finish', finishReason: 'stop' }
    },
  }
}

/**
 * Posts a transport body and reads its stream until `text` came, then aborts the fetch (the stop
 * button: `stop()` only closes the request). The job the stream is of.
 */
export async function postAndStop(base: string, body: unknown, text = 'Partial '): Promise<string> {
  const controller = new AbortController()
  const response = await fetch(`${base}/api/jobs/chat`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: controller.signal })
  if (response.status !== 200) throw new Error(`the post was answered ${response.status}: ${await response.text()}`)
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let read = ''
  while (!read.includes(JSON.stringify(text))) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`the stream ended before ${JSON.stringify(text)}: ${read}`)
    read += decoder.decode(value, { stream: true })
  }
  controller.abort()
  const start = read.split('\n').find(line => line.startsWith('data: {"type":"start"'))!
  return (JSON.parse(start.slice('data: '.length)) as { messageId: string }).messageId
}
