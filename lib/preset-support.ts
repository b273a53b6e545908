/**
 * Where the layer can run, by Nitro preset (docs/where-it-runs.md). A job runs on in the
 * server process after the request that started it has ended, and its viewers follow it from that
 * process (or, with Redis or Convex, from another long-lived one). That needs a long-lived server:
 * serverless functions are frozen or stopped once their response ends, edge workers have neither
 * Node nor a process that stays, and a static build has no server at all. A build for one of
 * those presets stops with an error naming the preset and why, instead of deploying an app that
 * silently loses its jobs. `allowPreset` (the preset's name) lets someone who knows better build anyway.
 *
 * The names are Nitro 2's canonical preset names (`nitro.options.preset` after aliases resolve).
 * A preset not listed here (a custom one, a newer one) is allowed with a warning.
 */

/** How a preset runs the server. */
export type PresetKind = 'server' | 'cluster' | 'serverless' | 'edge' | 'static' | 'command' | 'unknown'

/** Long-lived Node, Bun or Deno servers (and the presets of hosts that run one). */
const SERVER_PRESETS = [
  'node-server', 'node-listener', 'bun', 'deno-server', 'deno-server-legacy',
  'alwaysdata', 'cleavr', 'digital-ocean', 'firebase-app-hosting', 'flight-control', 'heroku',
  'iis-handler', 'iis-node', 'koyeb', 'platform-sh', 'render-com', 'zerops',
  // `nuxt dev` and the prerenderer run in the build's own long-lived process.
  'nitro-dev', 'nitro-prerender', 'cloudflare-dev',
]

/** A request-scoped function instance, frozen or stopped once its response has ended. */
const SERVERLESS_PRESETS = [
  'vercel', 'netlify', 'netlify-legacy', 'netlify-builder', 'aws-lambda', 'aws-amplify',
  'azure-functions', 'azure-swa', 'firebase', 'stormkit', 'genezio', 'zeabur', 'edgio',
]

/** Edge or worker runtimes: no Node APIs (worker threads, `node:crypto`), no process that stays. */
const EDGE_PRESETS = [
  'vercel-edge', 'netlify-edge', 'cloudflare-worker', 'cloudflare-module', 'cloudflare-module-legacy',
  'cloudflare-pages', 'cloudflare-durable', 'deno-deploy', 'winterjs', 'service-worker', 'base-worker',
]

/** No server output at all (`nuxt generate` and the static hosts). */
const STATIC_PRESETS = [
  'static', 'github-pages', 'gitlab-pages', 'cloudflare-pages-static', 'netlify-static',
  'vercel-static', 'zeabur-static', 'zerops-static',
]

/** Why each refused kind cannot run jobs. */
const REASONS: Partial<Record<PresetKind, string>> = {
  serverless: 'deploys serverless functions, which are frozen or stopped once their response ends: a job would stop (or be lost) as soon as the request that started it returns, and viewers would land on other instances that never saw it',
  edge: 'deploys to an edge/worker runtime, which has no Node APIs the engine uses (worker threads, node:crypto) and no long-lived process to run jobs after a response',
  static: 'builds a static site with no server, so there are no /api/jobs routes to run jobs',
  command: 'builds a one-shot command that exits after one request, taking its jobs with it',
}

/** A preset name as Nitro spells it (`aws_lambda` → `aws-lambda`). */
function normalize(preset: string): string {
  return preset.trim().toLowerCase().replace(/_/g, '-')
}

/** How `preset` runs the server. */
export function presetKind(preset: string): PresetKind {
  const name = normalize(preset)
  if (name === 'node-cluster') return 'cluster'
  if (name === 'cli') return 'command'
  if (SERVER_PRESETS.includes(name)) return 'server'
  if (SERVERLESS_PRESETS.includes(name)) return 'serverless'
  if (EDGE_PRESETS.includes(name)) return 'edge'
  if (STATIC_PRESETS.includes(name)) return 'static'
  return 'unknown'
}

/** What the build does for a preset: go on, warn, or stop with a message. */
export type PresetDecision =
  | { action: 'build' }
  | { action: 'warn', message: string }
  | { action: 'refuse', message: string }

/**
 * The build-time decision for `preset`. `allowPreset` (`backgroundJobs.allowPreset`) naming the
 * preset builds it anyway. `node-cluster` builds: whether it can run depends on the provider and
 * the worker count, known only at boot (server/lib/cluster-check.ts).
 */
export function presetDecision(preset: string, allowPreset = ''): PresetDecision {
  const kind = presetKind(preset)
  if (kind === 'server' || kind === 'cluster') return { action: 'build' }
  const allowed = allowPreset.split(/[\s,]+/).map(normalize).includes(normalize(preset))
  if (kind === 'unknown') {
    return allowed
      ? { action: 'build' }
      : { action: 'warn', message: `nuxt-background-jobs: the Nitro preset "${preset}" is not one the layer knows; jobs need a long-lived server process (docs/where-it-runs.md). Set backgroundJobs.allowPreset: '${preset}' to silence this.` }
  }
  if (allowed) return { action: 'build' }
  return {
    action: 'refuse',
    message: `nuxt-background-jobs: the Nitro preset "${preset}" ${REASONS[kind]}. `
      + 'Deploy to a long-lived server instead: the node-server preset (NITRO_PRESET=node-server, e.g. in a container), bun or deno-server — with provider \'redis\' or \'convex\' for several instances. '
      + `If you know this deployment keeps the process running, set backgroundJobs.allowPreset: '${preset}' (or NUXT_BACKGROUND_JOBS_ALLOW_PRESET=${preset}) to build anyway. See docs/where-it-runs.md.`,
  }
}

/**
 * `allowPreset` as the build reads it: nuxt.config's value and `NUXT_BACKGROUND_JOBS_ALLOW_PRESET`,
 * each a list separated by commas or spaces, or a JSON array (`["vercel"]`, which Nitro turns into a
 * list at boot: config.md, "Lists"), as one comma-separated list.
 */
export function allowPresetAtBuild(configured: unknown, env: string | undefined): string {
  return [configured, env].map(listText).filter(Boolean).join(',')
}

/** A list setting's value as text: a JSON array's items joined by commas. */
function listText(value: unknown): string {
  if (Array.isArray(value)) return value.join(',')
  if (typeof value !== 'string') return ''
  if (!value.trim().startsWith('[')) return value
  try {
    const parsed: unknown = JSON.parse(value)
    return Array.isArray(parsed) ? parsed.join(',') : value
  }
  catch {
    return value
  }
}

/** A preset the layer refuses (the build stops with this error). */
export class UnsupportedPresetError extends Error {
  override readonly name = 'UnsupportedPresetError'
}

/** Applies the decision: throws `UnsupportedPresetError` for a refused preset, warns for an unknown one. */
export function checkPreset(preset: string, allowPreset: string, warn: (message: string) => void): void {
  const decision = presetDecision(preset, allowPreset)
  if (decision.action === 'refuse') throw new UnsupportedPresetError(decision.message)
  if (decision.action === 'warn') warn(decision.message)
}
