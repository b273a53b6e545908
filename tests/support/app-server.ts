/**
 * Starts the built fixture app as a real Node process on a random 127.0.0.1 port, with the
 * environment a test needs (runtimeConfig is read from NUXT_BACKGROUND_JOBS_* at run time).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { inject } from 'vitest'


/** A running app. */
export interface AppServer {
  url: string
  process: ChildProcess
  /** Everything the server printed (to check logs for secrets). */
  output: () => string
  stop: () => Promise<void>
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** Starts the app and resolves once it answers HTTP. */
export async function startAppServer(env: Record<string, string> = {}): Promise<AppServer> {
  const port = await freePort()
  // The built fixture app of this test run (see global-setup.ts).
  const child = spawn(process.execPath, [inject('appEntry')], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), NITRO_HOST: '127.0.0.1', NITRO_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  const url = `http://127.0.0.1:${port}`
  // Poll until the server answers; bounded by the hook timeout, not a timing assertion.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`app server exited early:\n${output}`)
    try {
      await fetch(`${url}/api/jobs/catalog`)
      break
    }
    catch {
      if (attempt > 600) throw new Error(`app server did not start:\n${output}`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  return {
    url,
    process: child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null) return
      const exited = new Promise(resolve => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    },
  }
}
