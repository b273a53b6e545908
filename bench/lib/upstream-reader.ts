/**
 * How the baselines read the paced upstream: the same kind of client the layer uses for a real
 * upstream (node:http `request()` with the global agent, body read as Buffers from 'data'
 * events — server/lib/model/node-transport.ts), the SSE body split into `data:` lines and each
 * chunk JSON-parsed for its text. No retries, timeouts, tool calls or reasoning: the least a
 * relay of an OpenAI-compatible stream has to do.
 */
import { request } from 'node:http'

/** What a reader reports. */
export interface UpstreamReaderHandlers {
  /** One piece of text, as the upstream sent it. */
  text: (text: string) => void
  /** The stream ended (`[DONE]`, the response ended or failed). */
  end: (error?: Error) => void
}

/** A chat-completions chunk, the part a relay reads. */
interface CompletionChunk { choices?: Array<{ delta?: { content?: string | null } }> }

/** POSTs a chat request to `baseUrl` and reports its text pieces. */
export function readUpstream(baseUrl: string, handlers: UpstreamReaderHandlers): void {
  const body = JSON.stringify({ model: 'bench/model', stream: true, messages: [{ role: 'user', content: 'Write a long answer.' }] })
  let ended = false
  const end = (error?: Error) => {
    if (ended) return
    ended = true
    handlers.end(error)
  }
  const outgoing = request(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'accept': 'text/event-stream', 'content-length': String(Buffer.byteLength(body)) },
  })
  outgoing.on('error', end)
  outgoing.on('response', (response) => {
    let buffer = ''
    response.setEncoding('utf8')
    response.on('data', (text: string) => {
      buffer += text
      let lineEnd = buffer.indexOf('\n')
      while (lineEnd !== -1) {
        const line = buffer.slice(0, lineEnd)
        buffer = buffer.slice(lineEnd + 1)
        lineEnd = buffer.indexOf('\n')
        if (!line.startsWith('data: ')) continue
        const data = line.slice(6)
        if (data === '[DONE]') {
          end()
          continue
        }
        const content = (JSON.parse(data) as CompletionChunk).choices?.[0]?.delta?.content
        if (content) handlers.text(content)
      }
    })
    response.on('end', () => end())
    response.on('error', end)
  })
  outgoing.end(body)
}
