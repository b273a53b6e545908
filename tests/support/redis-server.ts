/**
 * A throwaway redis-server on 127.0.0.1 and a free port, with no persistence (nothing written to
 * disk, no service left behind), for the Redis provider tests, the multi-instance e2e tests and
 * the benchmarks. No test-runner imports here: the benchmarks run it under plain Node.
 */
import { spawn, spawnSync } from 'node:child_process'
import { freePort } from './server-process'

/** A running Redis. */
export interface RedisServer {
  url: string
  port: number
  pid: number
  stop: () => Promise<void>
}

/** True when `redis-server` is on the PATH. */
export function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version']).status === 0
}

/** Starts redis-server; throws naming the fix when it is not installed. */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServer> {
  if (!hasRedisServer()) throw new Error('redis-server is not installed: apt-get install -y redis-server (the Redis tests need a real server)')
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  for (let attempt = 0; !output.includes('Ready to accept connections'); attempt++) {
    if (child.exitCode !== null || attempt > 400) throw new Error(`redis-server did not start:\n${output}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(forced)
    },
  }
}
