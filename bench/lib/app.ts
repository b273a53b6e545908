/**
 * The built fixture app (tests/fixtures/basic: an app that only extends the layer) as a real
 * server process on 127.0.0.1. The build is copied to a private folder, so test runs that
 * rebuild the fixture meanwhile never pull it from under a running benchmark. It is rebuilt
 * when the layer's sources are newer than the copy (or with BENCH_REBUILD=1).
 */
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FIXTURE_DIR = join(ROOT, 'tests/fixtures/basic')
const LOCK_DIR = join(FIXTURE_DIR, '.build-lock')
const CACHE_DIR = join(tmpdir(), 'nuxt-background-jobs-bench', 'app')
const SOURCE_DIRS = ['server', 'shared', 'lib', 'nuxt.config.ts']
const LOCK_WAIT_MS = 5 * 60_000

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)))
  return newest
}

function withBuildLock(action: () => void) {
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      mkdirSync(LOCK_DIR)
      break
    }
    catch {
      if (Date.now() > deadline) rmSync(LOCK_DIR, { recursive: true, force: true })
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
  try {
    action()
  }
  finally {
    rmSync(LOCK_DIR, { recursive: true, force: true })
  }
}

/** Returns the server entry of a build that is not older than the layer's sources. */
export function ensureBuiltApp(): string {
  const entry = join(CACHE_DIR, 'server/index.mjs')
  const sourcesMtimeMs = Math.max(...SOURCE_DIRS.map(dir => newestMtimeMs(join(ROOT, dir))))
  // bench/run.mjs builds once up front; its scripts then reuse that build even if sources change meanwhile.
  const reuse = process.env.BENCH_APP_BUILT === '1' && existsSync(entry)
  const fresh = reuse || (existsSync(entry) && statSync(entry).mtimeMs >= sourcesMtimeMs && process.env.BENCH_REBUILD !== '1')
  if (fresh) return entry
  console.log('[bench] building the fixture app (nuxi build tests/fixtures/basic)…')
  withBuildLock(() => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/.bin/nuxi'), 'build', FIXTURE_DIR], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NUXT_TELEMETRY_DISABLED: '1' },
    })
    rmSync(CACHE_DIR, { recursive: true, force: true })
    mkdirSync(CACHE_DIR, { recursive: true })
    cpSync(join(FIXTURE_DIR, '.output'), CACHE_DIR, { recursive: true })
  })
  return entry
}

/** A free loopback port. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A running server process. */
export interface ServerProcess {
  url: string
  pid: number
  process: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/** Starts `node <entry>` with PORT set and resolves once `readyPath` answers. */
export async function startServerProcess(entry: string, env: Record<string, string>, readyPath: string, nodeArgs: string[] = []): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), NITRO_HOST: '127.0.0.1', NITRO_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`)
    try {
      await fetch(`${url}${readyPath}`)
      break
    }
    catch {
      if (attempt > 600) throw new Error(`server did not start:\n${output}`)
      await new Promise(resolve => setTimeout(resolve, 50))
    }
  }
  return {
    url,
    pid: child.pid!,
    process: child,
    output: () => output,
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

/** Limits raised so the benchmarks measure throughput, not the 429 paths. */
export const UNLIMITED_ENV: Record<string, string> = {
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS: '100000',
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS_PER_USER: '100000',
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS_PER_USER: '100000',
  NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE: '1000000',
  NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-bench-not-a-secret',
}

/** Starts the layer's app with a configuration from environment variables. */
export async function startApp(env: Record<string, string>): Promise<ServerProcess> {
  return await startServerProcess(ensureBuiltApp(), { ...UNLIMITED_ENV, ...env }, '/api/jobs/catalog')
}
