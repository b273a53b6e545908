/**
 * Process measurements from /proc (Linux): CPU seconds a process has used (user + system), so
 * a benchmark can charge the server, not itself, for the work; and the CPU model for the docs.
 */
import { readdirSync, readFileSync } from 'node:fs'
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

/** CPU of one thread: user and system seconds, and minor page faults. */
export interface ThreadCpu {
  name: string
  userSeconds: number
  systemSeconds: number
  minorFaults: number
  /** Times the thread slept and woke (a wait for I/O or a timer) and was preempted. */
  wakeUps: number
  preempted: number
}

/**
 * CPU used so far by each thread of a process, by thread name (`MainThread`, `V8Worker`, libuv's
 * `libuv-worker`…; threads of one name are summed): where a process's CPU goes besides its
 * JavaScript — the kernel's side of its system calls, and V8's helper threads (GC, compilers).
 */
export function threadCpu(pid: number): Map<string, ThreadCpu> {
  const threads = new Map<string, ThreadCpu>()
  let ids: string[] = []
  try {
    ids = readdirSync(`/proc/${pid}/task`)
  }
  catch {
    return threads
  }
  for (const id of ids) {
    let stat: string
    try {
      stat = readFileSync(`/proc/${pid}/task/${id}/stat`, 'utf8')
    }
    catch {
      continue // the thread ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const thread = threads.get(name) ?? { name, userSeconds: 0, systemSeconds: 0, minorFaults: 0, wakeUps: 0, preempted: 0 }
    try {
      const status = readFileSync(`/proc/${pid}/task/${id}/status`, 'utf8')
      thread.wakeUps += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0)
      thread.preempted += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0)
    }
    catch {}
    thread.userSeconds += Number(fields[11]) / CLOCK_TICKS_PER_SECOND
    thread.systemSeconds += Number(fields[12]) / CLOCK_TICKS_PER_SECOND
    thread.minorFaults += Number(fields[7])
    threads.set(name, thread)
  }
  return threads
}

/** What the threads of a process used between two `threadCpu` readings. */
export function threadCpuSince(before: Map<string, ThreadCpu>, after: Map<string, ThreadCpu>): ThreadCpu[] {
  return [...after.values()].map((thread) => {
    const earlier = before.get(thread.name)
    return {
      name: thread.name,
      userSeconds: thread.userSeconds - (earlier?.userSeconds ?? 0),
      systemSeconds: thread.systemSeconds - (earlier?.systemSeconds ?? 0),
      minorFaults: thread.minorFaults - (earlier?.minorFaults ?? 0),
      wakeUps: thread.wakeUps - (earlier?.wakeUps ?? 0),
      preempted: thread.preempted - (earlier?.preempted ?? 0),
    }
  }).filter(thread => thread.userSeconds + thread.systemSeconds > 0 || thread.minorFaults > 0)
}
