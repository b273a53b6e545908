/**
 * Starting the built fixture app (or any Node server script) as a real process on 127.0.0.1, and
 * building the fixture under a lock so concurrent builds never replace it under each other.
 * Shared by the e2e/browser tests (tests/support/app-server.ts, global-setup.ts) and the
 * benchmarks (bench/lib/app.ts). No test-runner imports here: the bench runs it under plain Node.
 */
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort } from './free-port'

export { freePort }

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
/** The app the e2e tests and benchmarks run: the demo plus a few test-only tools. */
export const FIXTURE_DIR = join(ROOT, 'tests/fixtures/basic')
const LOCK_WAIT_MS = 5 * 60_000

/** Runs `action` while holding an app's build lock (a stale lock is broken after 5 min). */
export function withBuildLock(action: () => void, appDir = FIXTURE_DIR) {
  const lockDir = join(appDir, '.build-lock')
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    try {
      mkdirSync(lockDir)
      break
    }
    catch {
      if (Date.now() > deadline) rmSync(lockDir, { recursive: true, force: true })
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200)
    }
  }
  try {
    action()
  }
  finally {
    rmSync(lockDir, { recursive: true, force: true })
  }
}

/**
 * Builds an app as a user does (`nuxi build <dir>`), under its lock, then runs `after` (e.g. copy
 * `.output`) still under it, so concurrent builds never replace an output under each other.
 */
export function buildApp(appDir: string, after: (outputDir: string) => void = () => {}): void {
  withBuildLock(() => {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/.bin/nuxi'), 'build', appDir], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NUXT_TELEMETRY_DISABLED: '1' },
    })
    after(join(appDir, '.output'))
  }, appDir)
}

/**
 * Copies a built app's `.output` to `copyDir` so that the copy runs on its own. Nitro links a package
 * that its output holds in two versions to one of them (`server/node_modules/entities ->
 * .nitro/entities@8.1.0`, relative): the links are copied as they are, so they point inside the copy.
 * `cpSync` otherwise rewrites them as absolute links back into the build folder, and a server run
 * from the copy failed its first page render (`Cannot find module 'entities/decode'`, a 500) while
 * another test file or run rebuilt that folder.
 */
export function copyBuildOutput(outputDir: string, copyDir: string): void {
  cpSync(outputDir, copyDir, { recursive: true, verbatimSymlinks: true })
}

/** Builds the fixture app (see `buildApp`). */
export function buildFixture(after: (outputDir: string) => void = () => {}): void {
  buildApp(FIXTURE_DIR, after)
}

/** Builds an app into a private copy (removed by the returned cleanup); resolves its server entry. */
export function buildAppCopy(appDir: string): { entry: string, cleanup: () => void } {
  const copyDir = mkdtempSync(join(tmpdir(), 'bgjobs-build-'))
  buildApp(appDir, outputDir => copyBuildOutput(outputDir, copyDir))
  return { entry: join(copyDir, 'server/index.mjs'), cleanup: () => rmSync(copyDir, { recursive: true, force: true }) }
}

/** A running server process. */
export interface ServerProcess {
  url: string
  pid: number
  process: ChildProcess
  output: () => string
  stop: () => Promise<void>
}

/** Options of `startProcess`. */
export interface StartProcessOptions {
  /** Arguments to Node (node flags, the script, its own arguments). */
  args: string[]
  env: Record<string, string>
  /** The path polled until the server answers. */
  readyPath: string
  /** The port to listen on (e.g. to start a server again where a killed one was). @default a free one */
  port?: number
  cwd?: string
  /** Only this status counts as ready (e.g. 200 from `nuxt dev`, which answers 503 while it builds). @default any answer */
  readyStatus?: number
  /** How long one readiness probe waits for its answer before asking again (a cold `nuxt dev` on a busy machine may take long to answer its first request). @default 20 s */
  readyProbeTimeoutMs?: number
  /**
   * Runs the server in a process group of its own, and stopping it signals the whole group: what it
   * spawned (`nuxt dev`'s helpers) goes with it. The group is also killed when this process exits.
   * @default false
   */
  processGroup?: boolean
  /** Called with the server as soon as it is spawned, before it answers: a caller can stop it while it starts (a timed-out `beforeAll`). */
  onSpawn?: (server: ServerProcess) => void
}

/** Sends `signal` to a child, or to its whole process group when it leads one. */
function signalChild(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (!group) {
    child.kill(signal)
    return
  }
  try {
    process.kill(-child.pid!, signal)
  }
  catch {
    // The group is gone already.
  }
}

/**
 * Stops a child: SIGTERM, then SIGKILL after 5 s; at once when it has exited already (exit code or
 * signal). `group`: the child leads a process group (`processGroup`), all of which is signalled, and
 * SIGKILLed once the child is gone (a helper that ignored the SIGTERM).
 */
export async function stopProcess(child: ChildProcess, group = false): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise(resolve => child.once('exit', resolve))
    signalChild(child, 'SIGTERM', group)
    const forced = setTimeout(() => signalChild(child, 'SIGKILL', group), 5_000)
    await exited
    clearTimeout(forced)
  }
  if (group) signalChild(child, 'SIGKILL', true)
}

/** SIGKILLs a child (a crash: no shutdown) and waits for it to be gone. */
export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise(resolve => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

/** The anonymous users' per-address limits, off for test servers (every client there is 127.0.0.1). */
const ANONYMOUS_ADDRESS_LIMITS_OFF = {
  NUXT_BACKGROUND_JOBS_LIMITS_ANONYMOUS_CREATE_PER_MINUTE: '0',
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_ANONYMOUS_STREAMS_PER_ADDRESS: '0',
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_ANONYMOUS_JOBS_PER_ADDRESS: '0',
}

/** Starts `node <args>` on 127.0.0.1 with PORT set and resolves once `readyPath` answers. */
export async function startProcess(options: StartProcessOptions): Promise<ServerProcess> {
  const port = options.port ?? await freePort()
  const group = options.processGroup ?? false
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd,
    // Every test client comes from 127.0.0.1, most as new anonymous users: one address for all, as
    // behind an untrusted proxy. The per-address limits (on by default) are off unless a test sets them.
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), NITRO_HOST: '127.0.0.1', NITRO_PORT: String(port), ...ANONYMOUS_ADDRESS_LIMITS_OFF, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  })
  // Outside the runner's process group, a worker that exits (or is told to) would leave it running.
  // Kept until `stop` has SIGKILLed the group, not dropped when the leader exits: a leader that
  // crashed or was killed on its own may leave helpers behind in the group.
  const killGroup = () => signalChild(child, 'SIGKILL', true)
  if (group) process.once('exit', killGroup)
  const stop = async () => {
    await stopProcess(child, group)
    process.removeListener('exit', killGroup)
  }
  let output = ''
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  const url = `http://127.0.0.1:${port}`
  const server: ServerProcess = { url, pid: child.pid!, process: child, output: () => output, stop }
  options.onSpawn?.(server)
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      // The leader is gone; helpers it started in its group may not be, and the exit hook is still set.
      await server.stop()
      throw new Error(`server exited early:\n${output}`)
    }
    // Bounded: a server that takes the connection and never answers (stuck in its start) is asked
    // again rather than hanging the test until its own time limit with nothing said.
    const status = await fetch(`${url}${options.readyPath}`, { signal: AbortSignal.timeout(options.readyProbeTimeoutMs ?? 20_000) }).then(async (response) => {
      await response.body?.cancel()
      return response.status
    }, () => 0)
    if (status !== 0 && (options.readyStatus === undefined || status === options.readyStatus)) break
    if (attempt > 1_200) {
      await server.stop()
      throw new Error(`server did not start:\n${output}`)
    }
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return server
}

/**
 * Starts `node <entry>` with PORT set and resolves once `readyPath` answers. `port` reuses a given
 * port (e.g. to start a server again where a killed one was); by default a free one is chosen.
 */
export async function startServerProcess(entry: string, env: Record<string, string>, readyPath: string, nodeArgs: string[] = [], port?: number): Promise<ServerProcess> {
  return await startProcess({ args: [...nodeArgs, entry], env, readyPath, port })
}
