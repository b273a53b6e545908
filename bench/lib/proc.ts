/**
 * Process measurements from /proc (Linux): CPU seconds a process has used (user + system), so
 * a benchmark can charge the server, not itself, for the work; and the CPU model for the docs.
 */
import { readFileSync } from 'node:fs'
import { cpus } from 'node:os'

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const CLOCK_TICKS_PER_SECOND = 100

/** CPU seconds (user + system) used so far by a process. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  // The command name may contain spaces: fields start after the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const userTicks = Number(fields[11])
  const systemTicks = Number(fields[12])
  return (userTicks + systemTicks) / CLOCK_TICKS_PER_SECOND
}

/** Resident set size of a process in bytes. */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const match = /VmRSS:\s+(\d+) kB/.exec(status)
  return match ? Number(match[1]) * 1024 : Number.NaN
}

/** The machine, for the docs. */
export function machineDescription(): string {
  const list = cpus()
  return `${list[0]?.model.trim() ?? 'unknown CPU'} × ${list.length}`
}

/** Busy and total jiffies of the whole machine (from /proc/stat), to compute how loaded it was. */
export function machineTicks(): { busy: number, total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = fields.reduce((sum, value) => sum + value, 0)
  // idle + iowait are not busy.
  return { busy: total - fields[3]! - (fields[4] ?? 0), total }
}
