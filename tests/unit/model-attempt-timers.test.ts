/**
 * The stall limit measures upstream silence, not our own busy stretches: bytes that arrived while
 * the process was blocked are read before a late timer decides. Real loopback socket, real timers;
 * the assertion is on the order of what happened, not on durations.
 */
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'
import { connect } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { createAttemptTimers } from '../../server/lib/model/attempt-timers'
import { createTimerSet } from '../../server/lib/timers'

let server: Server | undefined
const sockets: Socket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await new Promise<void>(resolve => (server ? server.close(() => resolve()) : resolve()))
  server = undefined
})

/** A connected pair: `send` writes from the far end, `received` is the near end. */
async function socketPair(): Promise<{ send: Socket, received: Socket }> {
  const accepted = new Promise<Socket>((resolve) => {
    server = createServer(resolve)
  })
  await new Promise<void>(resolve => server!.listen(0, '127.0.0.1', resolve))
  const received = connect((server!.address() as AddressInfo).port, '127.0.0.1')
  const send = await accepted
  await new Promise(resolve => received.once('connect', resolve))
  sockets.push(send, received)
  return { send, received }
}

/** Keeps the event loop busy (no I/O, no timers) for `ms`. */
function blockFor(ms: number) {
  const until = performance.now() + ms
  while (performance.now() < until) { /* busy */ }
}

describe('attempt timers under a busy event loop', () => {
  it('bytes that arrived while we were busy count, even after the stall limit passed', async () => {
    const { send, received } = await socketPair()
    const happened: string[] = []
    const timers = createAttemptTimers({ firstTokenTimeoutMs: 60_000, stallTimeoutMs: 30 }, error => happened.push(`timeout:${error.kind}`), createTimerSet())
    timers.clearFirstToken()
    timers.readStarted()
    const delivered = new Promise<void>(resolve => received.once('data', () => {
      happened.push('data')
      timers.readEnded()
      resolve()
    }))
    send.write('data: {}\n\n')
    blockFor(120) // the upstream answered in time; we were the slow ones
    await delivered
    await new Promise(resolve => setTimeout(resolve, 60)) // past any timer that could still decide
    timers.clearAll()
    expect(happened).toEqual(['data'])
  })

  it('real silence still times out', async () => {
    const happened: string[] = []
    const timers = createAttemptTimers({ firstTokenTimeoutMs: 60_000, stallTimeoutMs: 20 }, error => happened.push(`timeout:${error.kind}`), createTimerSet())
    timers.clearFirstToken()
    timers.readStarted()
    blockFor(60)
    await new Promise(resolve => setTimeout(resolve, 60))
    timers.clearAll()
    expect(happened).toEqual(['timeout:stall'])
  })
})
