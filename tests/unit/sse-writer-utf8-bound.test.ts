/**
 * `stream.viewerQueueBytes` is a bound in UTF-8 bytes on every write path. Text (the UI message
 * stream writes its chunks as text) going through the response itself — an HTTP/1.0 client, such
 * as nginx with its default `proxy_http_version` — must be counted by its bytes, not by its
 * UTF-16 code units: 3 bytes per CJK character would otherwise let a client that stops reading
 * hold three times the bound.
 */
import type { Socket } from 'node:net'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { SseWriter } from '../../server/lib/http/sse-writer'
import { createSseWriter } from '../../server/lib/http/sse-writer'
import { closeServer, serve } from '../support/sse-sink-server'

afterEach(closeServer)

const BOUND = 64 * 1024

/** Bytes the kernel took from the server's socket (what the writer's `takenBytes` reads). */
function taken(socket: Socket): number {
  const raw = socket as unknown as { _bytesDispatched: number, _handle: { writeQueueSize: number } | null }
  return raw._bytesDispatched - (raw._handle?.writeQueueSize ?? 0)
}

describe('SSE writer bound, HTTP/1.0 text', () => {
  it('counts text by its UTF-8 bytes when a client stops reading', async () => {
    let opened!: (value: { writer: SseWriter, socket: Socket }) => void
    const ready = new Promise<{ writer: SseWriter, socket: Socket }>((resolve) => {
      opened = resolve
    })
    const port = await serve((request, response) => {
      const writer = createSseWriter(request, response, { compression: false, maxQueueBytes: BOUND })
      writer.open()
      opened({ writer, socket: request.socket })
    })
    const client = connect(port, '127.0.0.1')
    client.pause() // sends its request, then never reads
    client.write('GET / HTTP/1.0\r\nHost: x\r\n\r\n')
    const { writer, socket } = await ready
    const text = `data: ${'流'.repeat(1_000)}\n\n` // 3,008 bytes, 1,008 code units
    const frameBytes = Buffer.byteLength(text)
    const before = taken(socket)
    let written = 0
    for (let index = 0; index < 2_000 && !writer.stalled; index++) {
      if (writer.write(text)) written += frameBytes
    }
    expect(writer.stalled).toBe(true)
    // What the process still holds for this client: what was written minus what the kernel took
    // (the headers were taken before `before`). At most the bound, one frame and the socket's own buffer.
    const held = written - (taken(socket) - before)
    expect(held).toBeLessThanOrEqual(BOUND + frameBytes + 16 * 1024)
    client.destroy()
    await writer.closed
  })
})
