/**
 * A throwaway redis-server on 127.0.0.1 and a free port, with no persistence by default (nothing
 * written to disk, no service left behind), for the Redis provider tests, the multi-instance e2e
 * tests and the benchmarks. `persistIn` keeps an append-only file in a folder, so a test can stop
 * Redis and start it again on the same port with its data (a Redis restart). The benchmarks run
 * `startRedisServer` under plain Node: only `useRedisServer` and `useTestRedisServer` call the
 * test runner's hooks (importing vitest outside a run is harmless; calling them is not).
 */
import type { ChildProcess } from 'node:child_process'
import { spawn, spawnSync } from 'node:child_process'
import { freePort, stopProcess } from './server-process'
import { afterAll, beforeAll, onTestFinished } from 'vitest'

/** A running Redis. */
export interface RedisServer {
  url: string
  port: number
  pid: number
  /** Stops it (SIGTERM: with `persistIn`, Redis writes its data before it exits). */
  stop: () => Promise<void>
  /** Starts it again on the same port (with its data when `persistIn` was given). */
  start: () => Promise<void>
}

/** Options of a Redis. */
export interface RedisServerOptions {
  /** A folder for an append-only file (fsync on every write), kept across `stop`/`start`. */
  persistIn?: string
}

/** True when `redis-server` is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0
}

async function spawnRedis(args: string[]): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  for (let attempt = 0; !output.includes('Ready to accept connections'); attempt++) {
    if (child.exitCode !== null || attempt > 400) {
      // Not ready in time: stopped, or it would outlive the test run (nothing else holds it).
      await stopProcess(child)
      throw new Error(`redis-server did not start:\n${output}`)
    }
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  return child
}

/** Starts redis-server; throws naming the fix when it is not installed. */
export async function startRedisServer(extraArgs: string[] = [], options: RedisServerOptions = {}): Promise<RedisServer> {
  if (!hasRedisServer()) throw new Error('redis-server is not installed: apt-get install -y redis-server (the Redis tests need a real server)')
  const port = await freePort()
  const persistence = options.persistIn
    ? ['--dir', options.persistIn, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always']
    : ['--save', '', '--appendonly', 'no']
  const args = ['--port', String(port), '--bind', '127.0.0.1', ...persistence, ...extraArgs]
  let child = await spawnRedis(args)
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: () => stopProcess(child),
    start: async () => {
      if (child.exitCode === null && child.signalCode === null) return
      child = await spawnRedis(args)
      server.pid = child.pid!
    },
  }
  return server
}

/**
 * A redis-server for a whole test file: started before its tests, stopped after them. Read its
 * `url` (and `pid`, e.g. to SIGSTOP it) inside a test; `stop`/`start` take it down and bring it
 * back on the same port within a test (with its data, given `persistIn`).
 */
export function useRedisServer(extraArgs: string[] = [], options: RedisServerOptions = {}): Readonly<Pick<RedisServer, 'url' | 'pid' | 'stop' | 'start'>> {
  let server: RedisServer | undefined
  beforeAll(async () => {
    server = await startRedisServer(extraArgs, options)
  })
  afterAll(async () => {
    await server?.stop()
  })
  const started = () => {
    if (!server) throw new Error('redis-server is started in beforeAll')
    return server
  }
  return {
    get url() {
      return started().url
    },
    get pid() {
      return started().pid
    },
    stop: () => started().stop(),
    start: () => started().start(),
  }
}

/**
 * A redis-server for one test (its own flags, its own data folder), called inside the test: stopped
 * when the test ends, also when it failed or timed out before its own `finally` could run.
 */
export async function useTestRedisServer(extraArgs: string[] = [], options: RedisServerOptions = {}): Promise<RedisServer> {
  const server = await startRedisServer(extraArgs, options)
  onTestFinished(() => server.stop())
  return server
}
