/**
 * A Redis connection that went silent without a reset — half-open TCP: the Redis host vanished, a
 * NAT or load balancer forgot the flow — gets no reply and no close until the OS gives its socket
 * up, minutes later, and node-redis reconnects only on a close: every command waited its deadline
 * (a 503) and the pub/sub connection's followers heard nothing. So each connection is probed: a
 * PING every `intervalMs`; one that gets no reply within the command timeout, with nothing else
 * heard on that connection meanwhile, has a new connection try Redis — with a PUBLISH, which a
 * Redis paused for writes (`CLIENT PAUSE … WRITE`, as during a failover) holds as it holds the
 * old connection's writes, where a PING would pass. When Redis answers the new one, the old one is
 * dead, not Redis: it is dropped and connects again (the pub/sub connection
 * subscribes again and its followers catch up, as after any drop). When it does not answer the new
 * one either, Redis is paused, busy or unreachable, and the connection is kept: what it sent may
 * still run, and the late replies the provider listens for (redis-create.ts) still come.
 */
import type { TimerSet } from '../timers'

/** Options of `watchForStall`. */
export interface StallCheckOptions {
  /** Time between two probes; 0 turns them off. */
  intervalMs: number
  /** How long a PING may wait for its reply. */
  timeoutMs: number
  /** Whether the connection is up: only then is it probed. */
  ready: () => boolean
  /**
   * Sends PING on the connection: true once Redis replied (an error reply too), false when the
   * client refused it without Redis (its queue full, the connection closing).
   */
  ping: () => Promise<boolean>
  /** How many replies and messages the connection has delivered so far. */
  heard: () => number
  /** Whether Redis answers a new connection within the timeout. */
  answersNewConnection: () => Promise<boolean>
  /** Drops the connection and connects again. */
  replace: () => void
  timers: TimerSet
}

/** Probes a connection until the returned function is called. */
export function watchForStall(options: StallCheckOptions): () => void {
  const { intervalMs, timeoutMs, timers } = options
  let stopped = false
  const schedule = () => {
    // A probe never rejects into nothing (a throwing `onError` in `replace`, say): the next one comes.
    if (!stopped && intervalMs > 0) timers.timeout(() => void probe().catch(() => {}).finally(schedule), intervalMs)
  }
  /**
   * Whether Redis replied to the PING within the timeout. A PING the client refused at once (a
   * dead connection's queue fills up and stays full) waits the timeout out too: then the silence
   * decides, not the refusal.
   */
  const repliedWithin = (replied: Promise<boolean>) => new Promise<boolean>((resolve) => {
    const cancel = timers.timeout(() => resolve(false), timeoutMs, { onClear: () => resolve(true) })
    void replied.then((yes) => {
      if (!yes) return
      cancel()
      resolve(true)
    })
  })
  async function probe(): Promise<void> {
    if (!options.ready()) return
    const before = options.heard()
    // The PING's own reply is a sign of life too, also when it comes after its timeout: on an idle
    // connection it is the only traffic, and a Redis that stalled a little longer than the timeout
    // (or an event loop blocked as long) answers it just after, with the new connection.
    let answered = false
    const replied = options.ping().then((yes) => {
      answered ||= yes
      return yes
    })
    const silent = () => !stopped && !answered && options.ready() && options.heard() === before
    if (await repliedWithin(replied) || !silent()) return
    if (!await options.answersNewConnection().catch(() => false) || !silent()) return
    // A pause that just ended releases both connections at once, the new one's short reply first:
    // the old one gets the same time again to show it lives.
    await new Promise<void>(resolve => timers.timeout(resolve, timeoutMs, { onClear: resolve }))
    if (silent()) options.replace()
  }
  schedule()
  return () => {
    stopped = true
  }
}

/** What `newConnectionProbe` needs of a client (node-redis's). */
interface ProbeClient {
  on(event: 'error', listener: (error: unknown) => void): unknown
  connect(): Promise<unknown>
  sendCommand(args: string[]): Promise<unknown>
  destroy(): void
}

/**
 * Whether Redis answers `command` on a new connection (opened by `open`, closed after) within
 * `timeoutMs`: the stall check's `answersNewConnection`.
 */
export function newConnectionProbe(open: () => ProbeClient, command: string[], timeoutMs: number, timers: TimerSet): () => Promise<boolean> {
  return async () => {
    const probe = open()
    probe.on('error', () => {})
    let cancel: (() => void) | undefined
    try {
      return await Promise.race([
        probe.connect().then(() => probe.sendCommand(command)).then(() => true, () => false),
        new Promise<boolean>((resolve) => {
          cancel = timers.timeout(() => resolve(false), timeoutMs, { onClear: () => resolve(false) })
        }),
      ])
    }
    finally {
      cancel?.()
      probe.destroy()
    }
  }
}

/**
 * How long a connection's socket may be silent (nothing read, nothing written) before it is
 * dropped (node-redis's `socketTimeout`; it connects again by itself). A ready connection writes a
 * PING at least once per probe (`intervalMs`, and up to three timeouts while one waits), so only a
 * dead socket stays silent twice that long — including one stuck in a handshake Redis never
 * answered, which the probe does not see (it probes ready connections only). Off with the probe.
 */
export function silentSocketMs(intervalMs: number, timeoutMs: number): number | undefined {
  return intervalMs > 0 ? 2 * (intervalMs + 3 * timeoutMs) : undefined
}
