/**
 * Remembers, in this browser, the full prompt each job was started with. The job list only carries
 * a short `title`; the thread view needs the whole prompt to show it and to rebuild the history.
 * When the server sends `prompt` in the job summary, that wins.
 */
import type { JobSummary } from './api-types'

const STORAGE_KEY = 'background-jobs:prompts'
/** Oldest entries are dropped past this many, so storage stays small. */
export const PROMPT_CACHE_MAX_ENTRIES = 500

type PromptMap = Record<string, string>

/**
 * The browser's `localStorage`, or null: none on the server, and where storage is blocked (an app
 * in another site's iframe with third-party storage blocked, site data disabled) merely reading
 * `localStorage` throws a `SecurityError` — which would make `start({ prompt })` reject for a job
 * it started, and a thread view fail to render.
 */
function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage
  }
  catch {
    return null
  }
}

/** The stored prompts; empty when there is no storage or it holds something else (not ours). */
function read(): PromptMap {
  try {
    const stored = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '{}') as unknown
    if (!stored || typeof stored !== 'object' || Array.isArray(stored)) return {}
    return Object.fromEntries(Object.entries(stored).filter(([, prompt]) => typeof prompt === 'string')) as PromptMap
  }
  catch {
    return {}
  }
}

/** Stores the prompt a job was started with. */
export function rememberPrompt(jobId: string, prompt: string): void {
  const store = storage()
  if (!store) return
  const entries = Object.entries(read()).filter(([id]) => id !== jobId)
  entries.push([jobId, prompt])
  const kept = entries.slice(-PROMPT_CACHE_MAX_ENTRIES)
  try {
    store.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(kept)))
  }
  catch {
    // Storage full or disabled: the title is shown instead.
  }
}

/** The best prompt text known for a job: the server's, this browser's, or the title. */
export function promptOf(job: JobSummary): string {
  return job.prompt ?? read()[job.id] ?? job.title
}

/** Forgets the prompt of a job (it was deleted: nothing of it stays in this browser either). */
export function forgetPrompt(jobId: string): void {
  const store = storage()
  if (!store) return
  const prompts = read()
  if (!(jobId in prompts)) return
  delete prompts[jobId]
  try {
    store.setItem(STORAGE_KEY, JSON.stringify(prompts))
  }
  catch {
    // Storage disabled: nothing was kept.
  }
}
