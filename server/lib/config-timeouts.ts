/**
 * Time limits that count inside the job's own (`limits.jobTimeoutMs`, armed as a run starts and
 * counting every wait): one that is not shorter than it never applies, because the job ends as a
 * `timeout` first — a hung tool call ends its job instead of giving the model an error result to go
 * on with, a silent model ends it before its round is failed (or retried). Warned about at boot in
 * one line naming each such setting and its variable, as `limits.inputTimeoutMs` is on its own
 * (config-validate.ts). Not when the job's limit is itself under its smallest sensible value: that
 * is a unit slip (config-units.ts), and its warning is the one to act on.
 */
import type { BackgroundJobsConfig } from './config'
import { envNameOf } from './config'
import { SMALLEST_SENSIBLE_MS } from './config-units'

/** The limits that run within a job's time, with what the job's own limit ends first. */
export const WITHIN_JOB_TIME: Readonly<Record<string, string>> = {
  'limits.toolTimeoutMs': 'a tool call (without its own timeoutMs) still running',
  'limits.nodeTimeoutMs': 'a workflow node still running',
  'upstream.firstTokenTimeoutMs': 'a model round still waiting for its first token',
  'upstream.stallTimeoutMs': 'a model stream gone silent',
  'isolation.queueTimeoutMs': 'an isolated tool call still waiting for a worker',
}

/** The value at a dotted key. */
function valueOf(config: object, key: string): unknown {
  return key.split('.').reduce<unknown>((value, name) => (value as Record<string, unknown> | undefined)?.[name], config)
}

/** One warning naming every limit of `WITHIN_JOB_TIME` not shorter than `limits.jobTimeoutMs` (none: empty). */
export function withinJobTimeWarnings(config: BackgroundJobsConfig): string[] {
  const { jobTimeoutMs } = config.limits
  if (typeof jobTimeoutMs !== 'number' || jobTimeoutMs < SMALLEST_SENSIBLE_MS['limits.jobTimeoutMs']!.ms) return []
  const tooLong = Object.keys(WITHIN_JOB_TIME).filter((key) => {
    const value = valueOf(config, key)
    return typeof value === 'number' && value >= jobTimeoutMs
  })
  if (tooLong.length === 0) return []
  const settings = tooLong.map(key => `backgroundJobs.${key} (${envNameOf(key)}, ${valueOf(config, key) as number})`)
  const what = tooLong.map(key => WITHIN_JOB_TIME[key]).join('; ')
  return [`backgroundJobs.limits.jobTimeoutMs (${envNameOf('limits.jobTimeoutMs')}, ${jobTimeoutMs}) is not longer than ${settings.join(', ')}: the job's time limit counts ${tooLong.length > 1 ? 'these' : 'it'} too, so ${tooLong.length > 1 ? 'they never apply' : 'it never applies'} — the job ends as a timeout first (${what}); raise the job's limit or lower ${tooLong.length > 1 ? 'them' : 'it'}`]
}
