/**
 * The context budget of a model: how many tokens (estimated) one request to it may hold, from
 * `upstream.modelContextTokens` (per model) or `upstream.contextTokens` (every other model).
 * 0 is no budget: the history goes whole, as the client sent it, and a thread longer than the
 * model's window fails with the endpoint's own 400 (docs/model.md, "What is sent").
 */
import type { BackgroundJobsConfig } from '../config'
import { envNameOf } from '../config'
import { shownValue } from '../config-shown-value'

/** A model's budget and the setting it came from (named in the failure when a turn does not fit). */
export interface ContextBudget {
  tokens: number
  /** `upstream.contextTokens`, or `upstream.modelContextTokens (<model>)`. */
  setting: string
  /** The variable that sets it. */
  variable: string
}

/** One `model=tokens` entry of `upstream.modelContextTokens`: the name up to its last `=` (a model id holds none). */
const ENTRY = /^(.+)=(\d+)$/

/** `upstream.modelContextTokens` read: its entries, and the ones that are not `model=tokens`. */
interface ParsedEntries {
  entries: Map<string, number>
  bad: string[]
}

/** Read once per config: a budget is looked up on every model round. */
const parsed = new WeakMap<BackgroundJobsConfig, ParsedEntries>()

/** The entries of `upstream.modelContextTokens`, separated by commas, spaces or both. */
function parseEntries(config: BackgroundJobsConfig): ParsedEntries {
  let result = parsed.get(config)
  if (result) return result
  result = { entries: new Map(), bad: [] }
  for (const entry of String(config.upstream.modelContextTokens ?? '').split(/[\s,]+/).filter(Boolean)) {
    const match = ENTRY.exec(entry)
    const tokens = match ? Number(match[2]) : Number.NaN
    if (match && Number.isSafeInteger(tokens)) result.entries.set(match[1]!, tokens)
    else result.bad.push(entry)
  }
  parsed.set(config, result)
  return result
}

/** The entries of `upstream.modelContextTokens`; bad ones are left out (the boot refuses them). */
export function modelContextTokens(config: BackgroundJobsConfig): Map<string, number> {
  return parseEntries(config).entries
}

/** The budget of `model`, or null when it has none. */
export function contextBudgetOf(config: BackgroundJobsConfig, model: string): ContextBudget | null {
  const own = modelContextTokens(config).get(model)
  if (own !== undefined) {
    return own > 0 ? { tokens: own, setting: `upstream.modelContextTokens (${model}=${own})`, variable: envNameOf('upstream.modelContextTokens') } : null
  }
  const tokens = config.upstream.contextTokens
  return typeof tokens === 'number' && tokens > 0 ? { tokens, setting: 'upstream.contextTokens', variable: envNameOf('upstream.contextTokens') } : null
}

/** What is wrong with `upstream.modelContextTokens` (empty: nothing), each naming the entry. */
export function modelContextTokensProblems(config: BackgroundJobsConfig): string[] {
  if (typeof config.upstream.modelContextTokens !== 'string') return []
  return parseEntries(config).bad.map(entry => `backgroundJobs.upstream.modelContextTokens (${envNameOf('upstream.modelContextTokens')}) lists ${shownValue(entry)}, which is not model=tokens (a whole number of tokens, 0 for no budget): e.g. openai/gpt-4o-mini=120000,meta-llama/llama-3.1-8b-instruct=7000`)
}
