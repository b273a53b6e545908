/**
 * The unit project's leak guard (tests/support/resource-leak-guard.ts): what a file leaves running
 * is named, what it closed (even as it ended) is not, and an unref'd timer, which keeps nothing
 * alive, is not counted.
 */
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { afterEach, expect, it, vi } from 'vitest'
import { activeResources, resourcesLeft } from '../support/resource-leak-guard'

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map(server => new Promise(resolve => server.close(resolve))))
})

async function listening(): Promise<Server> {
  const server = createServer()
  servers.push(server)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return server
}

it('names a server and a timer left running', async () => {
  const before = activeResources()
  await listening()
  const timer = setInterval(() => {}, 60_000)
  try {
    expect(await resourcesLeft(before, 0)).toEqual(expect.arrayContaining(['TCPServerWrap ×1', 'Timeout ×1']))
  }
  finally {
    clearInterval(timer)
  }
})

it('a server closed as the file ends (close not awaited), a cleared timer and an unref\'d one are not counted', async () => {
  const before = activeResources()
  const server = await listening()
  servers.splice(servers.indexOf(server), 1)
  server.close()
  clearTimeout(setTimeout(() => {}, 60_000))
  const unrefd = setTimeout(() => {}, 60_000).unref()
  try {
    expect(await resourcesLeft(before)).toEqual([])
  }
  finally {
    clearTimeout(unrefd)
  }
})

it('ends its wait and names the leftover when the file left fake timers on (performance and Date faked)', async () => {
  // unit-convex has no file-reset: a leaking file that also left fake timers on must get its named
  // failure, not a wait that never ends on a clock that does not move.
  const before = activeResources()
  await listening()
  vi.useFakeTimers({ toFake: ['performance', 'Date', 'setTimeout', 'setInterval'] })
  try {
    expect(await resourcesLeft(before, 50)).toEqual(['TCPServerWrap ×1'])
  }
  finally {
    vi.useRealTimers()
  }
}, 2_000)
