/**
 * Renewals (a lease heartbeat, an instance heartbeat) sent to Convex at most once at a time per
 * key. A call that timed out is not lost: the Convex client keeps it and sends it again after a
 * reconnect. Renewals come on a timer whatever the last one's fate, so through an outage each would
 * add one more to that backlog — one per job every time limit (10 s) — all sent at the reconnect,
 * where they contend with the same jobs' fresh heartbeats and appends (each reads the lease
 * document) while the leases they should keep lapse. Here a renewal whose earlier one's outcome is
 * unknown waits for it and is sent after it (once the store answers again, so its answer is
 * current); renewals that arrive meanwhile join that one. At most one per key is outstanding and
 * one waiting, however long the outage.
 */

/** Options of `createRenewals`. */
export interface RenewalsOptions {
  /** Rejects a call's promise after its time limit (the call itself goes on). */
  deadline: <T>(promise: Promise<T>, what: string) => Promise<T>
}

interface Slot {
  /** The call sent last, until it settles. */
  outstanding: Promise<unknown> | null
  /** The call waiting for it, joined by any renewal of the same key that arrives meanwhile. */
  waiting: Promise<unknown> | null
}

/** Creates the provider's renewal gate. */
export function createRenewals(options: RenewalsOptions) {
  const slots = new Map<string, Slot>()

  /** Sends (or joins) the renewal `send` under `key`, within the time limit. */
  function renew<T>(key: string, what: string, send: () => Promise<T>): Promise<T> {
    const slot = slots.get(key) ?? { outstanding: null, waiting: null }
    slots.set(key, slot)
    const start = (): Promise<T> => {
      const sent = send()
      slot.outstanding = sent
      const settled = () => {
        if (slot.outstanding === sent) slot.outstanding = null
        if (!slot.outstanding && !slot.waiting && slots.get(key) === slot) slots.delete(key)
      }
      sent.then(settled, settled)
      return sent
    }
    if (!slot.outstanding) return options.deadline(start(), what)
    if (!slot.waiting) {
      const after = slot.outstanding.then(() => undefined, () => undefined)
      const waiting: Promise<T> = after.then(() => {
        slot.waiting = null
        return start()
      })
      slot.waiting = waiting
    }
    return options.deadline(slot.waiting as Promise<T>, what)
  }

  return {
    renew,
    /** Keys with a renewal outstanding or waiting (for tests). */
    get size() {
      return slots.size
    },
  }
}
