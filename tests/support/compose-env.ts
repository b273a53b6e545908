/**
 * The environment a docker-compose example gives its app containers, read from the file itself
 * (docs/examples/redis/docker-compose.yml), so a test runs the app with exactly what the example
 * sets: the `x-env: &env` block (`KEY: value` lines), with `${VAR:?message}` taken from `given`
 * (missing: an error with the example's message) and `${VAR:-default}` from `given` or the default.
 */
import { readFileSync } from 'node:fs'

/** The `x-env` block of a compose file, resolved; `given` plays the shell's variables. */
export function composeEnv(file: string, given: Record<string, string> = {}): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n')
  const start = lines.findIndex(line => /^x-env:\s*&env\s*$/.test(line))
  if (start === -1) throw new Error(`${file}: no "x-env: &env" block`)
  const env: Record<string, string> = {}
  for (const line of lines.slice(start + 1)) {
    if (!/^\s/.test(line) || line.trim() === '') break
    if (line.trim().startsWith('#')) continue
    const match = /^\s+([A-Z0-9_]+):\s*(.*)$/.exec(line)
    if (!match) throw new Error(`${file}: cannot read "${line.trim()}" in x-env`)
    env[match[1]!] = resolveValue(unquote(match[2]!.trim()), given)
  }
  return env
}

/** The `KEY: value` settings a service adds under its own `environment:` (after `<<: *env`). */
export function serviceEnv(file: string, service: string): Record<string, string> {
  const lines = readFileSync(file, 'utf8').split('\n')
  const start = lines.findIndex(line => line === `  ${service}:`)
  if (start === -1) throw new Error(`${file}: no service ${service}`)
  const env: Record<string, string> = {}
  for (const line of lines.slice(start + 1)) {
    if (/^ {0,2}\S/.test(line)) break
    const match = /^ {6}([A-Z0-9_]+):\s*(.*)$/.exec(line)
    if (match) env[match[1]!] = unquote(match[2]!.trim())
  }
  return env
}

function unquote(value: string): string {
  return /^'.*'$|^".*"$/.test(value) ? value.slice(1, -1) : value
}

function resolveValue(value: string, given: Record<string, string>): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([?-])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    const set = given[name]
    if (set !== undefined && set !== '') return set
    if (kind === '?') throw new Error(`${name}: ${rest}`)
    return kind === '-' ? rest ?? '' : ''
  })
}
