/**
 * Ports for servers the tests start as processes (the app, redis-server, nginx). Such a port is
 * chosen here and only taken when the process listens, so two test workers must never be handed the
 * same one: with `listen(0)` they could be (the OS hands a closed port out again), and an app
 * process that lost that race does not exit — Nitro logs the EADDRINUSE and runs on, not listening
 * — so its readiness poll was answered by the other worker's server, and the test talked to that
 * one until it stopped (ECONNREFUSED, seen once in CI). Each worker (`VITEST_POOL_ID`; 0 outside
 * vitest: the global setup, the benchmarks) has its own block of ports, below Linux's ephemeral
 * range (32768–60999, where `listen(0)` and outgoing connections take theirs), and a port is
 * handed out only after it was bound here once (one in use is skipped).
 */
import { createServer } from 'node:net'

/** The ports handed out: from `FIRST_PORT`, `BLOCK_PORTS` per worker slot, `SLOTS` slots. */
const FIRST_PORT = 12_000
const BLOCK_PORTS = 2_000
const SLOTS = 10

/** This process's worker slot (vitest's pool id, 1 to `maxWorkers`; 0 without one). */
function slot(): number {
  const poolId = Number(process.env.VITEST_POOL_ID)
  return Number.isInteger(poolId) && poolId > 0 ? poolId % SLOTS : 0
}

/** The next port to try in each slot's block (a random start, so two runs at once rarely meet). */
const nextInBlock = new Map<number, number>()

/** Whether `port` can be listened on at 127.0.0.1 now (it is closed again at once). */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
  })
}

/** The block of ports of the worker slot `of` (this process's by default). */
export function portBlock(of = slot()): { first: number, last: number } {
  const first = FIRST_PORT + of * BLOCK_PORTS
  return { first, last: first + BLOCK_PORTS - 1 }
}

/** A free loopback port from this worker's block, not handed out by this process before (until the block wraps). */
export async function freePort(): Promise<number> {
  const current = slot()
  const { first } = portBlock(current)
  for (let tried = 0; tried < BLOCK_PORTS; tried++) {
    const offset = nextInBlock.get(current) ?? Math.floor(Math.random() * BLOCK_PORTS)
    nextInBlock.set(current, (offset + 1) % BLOCK_PORTS)
    if (await bindable(first + offset)) return first + offset
  }
  throw new Error(`no free port in ${first}–${first + BLOCK_PORTS - 1} (VITEST_POOL_ID ${process.env.VITEST_POOL_ID ?? 'unset'})`)
}
