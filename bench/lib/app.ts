/**
 * The built fixture app (tests/fixtures/basic: an app that only extends the layer) as a real
 * server process on 127.0.0.1. The build is copied to a private folder, so test runs that
 * rebuild the fixture meanwhile never pull it from under a running benchmark. It is rebuilt
 * when the layer's sources are newer than the copy (or with BENCH_REBUILD=1).
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ServerProcess } from '../../tests/support/server-process.ts'
import { buildFixture, copyBuildOutput, startServerProcess } from '../../tests/support/server-process.ts'

export { freePort, startServerProcess } from '../../tests/support/server-process.ts'
export type { ServerProcess } from '../../tests/support/server-process.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
// One cache per checkout: two worktrees on one machine never run each other's build.
const CACHE_DIR = join(tmpdir(), 'nuxt-background-jobs-bench', createHash('sha256').update(ROOT).digest('hex').slice(0, 12), 'app')
const SOURCE_DIRS = ['server', 'shared', 'lib', 'nuxt.config.ts']

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = 0
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)))
  return newest
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
  buildFixture((outputDir) => {
    rmSync(CACHE_DIR, { recursive: true, force: true })
    mkdirSync(CACHE_DIR, { recursive: true })
    // Nitro's package links are relative (`node_modules/x -> .nitro/x@v`, some nested): kept as
    // they are, they point inside the copy, never back into the fixture a later build cleans.
    copyBuildOutput(outputDir, CACHE_DIR)
  })
  return entry
}

/** Limits raised so the benchmarks measure throughput, not the 429 paths. */
export const UNLIMITED_ENV: Record<string, string> = {
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS: '100000',
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_CONCURRENT_JOBS_PER_USER: '100000',
  NUXT_BACKGROUND_JOBS_LIMITS_MAX_STREAMS_PER_USER: '100000',
  NUXT_BACKGROUND_JOBS_LIMITS_CREATE_PER_MINUTE: '1000000',
  NUXT_BACKGROUND_JOBS_UPSTREAM_API_KEY: 'sk-bench-not-a-secret',
}

/**
 * Node flags for the app: BENCH_CPU_PROF=<folder> writes a V8 CPU profile of every app process
 * there when it exits (open it in Chrome DevTools, or summarise it with bench/lib/profile-summary.mjs);
 * BENCH_APP_FLAGS adds flags of your own (e.g. `--trace-gc`).
 */
export function appNodeArgs(): string[] {
  const folder = process.env.BENCH_CPU_PROF
  const extra = process.env.BENCH_APP_FLAGS?.split(' ').filter(Boolean) ?? []
  return folder ? [...extra, '--cpu-prof', `--cpu-prof-dir=${folder}`] : extra
}

/** Starts the layer's app with a configuration from environment variables. */
export async function startApp(env: Record<string, string>): Promise<ServerProcess> {
  return await startServerProcess(ensureBuiltApp(), { ...UNLIMITED_ENV, ...env }, '/api/jobs/catalog', appNodeArgs())
}
