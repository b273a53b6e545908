/**
 * A throwaway redis-server on 127.0.0.1 and a random port (no persistence), started and stopped
 * by the benchmark. Resolves null when redis-server is not installed (the baseline is skipped).
 */
import { spawn, spawnSync } from 'node:child_process'
import { freePort } from './app.ts'

/** A running Redis. */
export interface RedisServer {
  url: string
  pid: number
  stop: () => Promise<void>
}

/** Starts redis-server, or returns null when it is missing. */
export async function startRedis(): Promise<RedisServer | null> {
  if (spawnSync('redis-server', ['--version']).status !== 0) return null
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxclients', '20000'], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  for (let attempt = 0; !output.includes('Ready to accept connections'); attempt++) {
    if (child.exitCode !== null || attempt > 200) throw new Error(`redis-server did not start:\n${output}`)
    await new Promise(resolve => setTimeout(resolve, 25))
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
