/**
 * The ports the tests' server processes get (tests/support/free-port.ts): each test worker has its
 * own block, below the ephemeral range, so two workers are never handed the same port and an app
 * that lost such a race is never mistaken for the one that won it.
 */
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { freePort, portBlock } from '../support/free-port'

afterEach(() => {
  vi.unstubAllEnvs()
})

async function portsOf(poolId: string, count: number): Promise<number[]> {
  vi.stubEnv('VITEST_POOL_ID', poolId)
  const ports: number[] = []
  for (let index = 0; index < count; index++) ports.push(await freePort())
  return ports
}

describe('freePort', () => {
  it('hands two workers ports from blocks that do not meet, all below the ephemeral range (32768)', async () => {
    const first = await portsOf('1', 50)
    const second = await portsOf('2', 50)
    expect(first.filter(port => second.includes(port))).toEqual([])
    for (const [poolId, ports] of [[1, first], [2, second]] as const) {
      const block = portBlock(poolId)
      expect(ports.every(port => port >= block.first && port <= block.last && port < 32_768)).toBe(true)
    }
    expect(new Set(first).size).toBe(50)
  })

  it('skips a port of its block that something listens on', async () => {
    vi.stubEnv('VITEST_POOL_ID', '3')
    const taken = await freePort()
    const blockers: Server[] = []
    try {
      // Whatever comes next in the block is taken by someone else before it is asked for.
      const { first, last } = portBlock(3)
      const size = last - first + 1
      for (let step = 1; step <= 5; step++) {
        const port = first + ((taken - first + step) % size)
        const server = createServer()
        await new Promise<void>(resolve => server.listen(port, '127.0.0.1', resolve))
        blockers.push(server)
      }
      const next = await freePort()
      expect(blockers.map(server => (server.address() as { port: number }).port)).not.toContain(next)
    }
    finally {
      await Promise.all(blockers.map(server => new Promise(resolve => server.close(resolve))))
    }
  })
})
