/**
 * The boot error of a shared provider whose client package cannot be loaded. The operator who
 * meets it set a variable (or a teammate's nuxt.config did): it names that setting, the package
 * and both ways out, and tells a package that is not installed from one that is but fails to load
 * (a wrong version, a broken install), whose own error is then the reason shown.
 */
import { envNameOf } from '../config'

/** True when `error` (or an error it wraps: a bundler's loader) is Node's "no such package" (ESM or CommonJS resolution). */
function isNotFound(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) return false
  const { code, message, cause } = error as { code?: unknown, message?: unknown, cause?: unknown }
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || /^Cannot find (package|module)\b/.test(String(message ?? '')) || isNotFound(cause, depth + 1)
}

/** The message for provider `provider` whose package `name` (described as `label`) failed to load with `cause`. */
export function packageMissingMessage(provider: 'redis' | 'convex', name: string, label: string, cause: unknown): string {
  const selected = `backgroundJobs.provider (${envNameOf('provider')}) is "${provider}", whose provider needs the \`${name}\` package${label ? ` (${label})` : ''}`
  const fix = `install it in the app (\`npm install ${name}\`) and build again, or set ${envNameOf('provider')} to another provider (memory runs on one instance)`
  if (isNotFound(cause)) return `${selected}, which is not installed: ${fix}.`
  const reason = String((cause as Error)?.message ?? cause).split('\n')[0]!.slice(0, 300)
  return `${selected}, which could not be loaded (${reason}): reinstall it (\`npm install ${name}\`) and build again, or set ${envNameOf('provider')} to another provider.`
}
