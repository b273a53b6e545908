/**
 * What each of the `redis` provider's Lua scripts is called in messages. A call that times out, or
 * that Redis refuses, then says which one it was — "Redis did not answer the lease heartbeat script
 * within 5000 ms" — where before every script was "a script call": an operator could not tell a
 * paused job write from a slow retention pass or a creation.
 */
import { APPEND_SCRIPT } from './redis-append-script'
import { REPLY_CONTROL_SCRIPT, SEND_CONTROL_SCRIPT } from './redis-control-scripts'
import { CREATE_SCRIPT } from './redis-create-script'
import { DELETE_EXPIRED_SCRIPT, DELETE_JOB_SCRIPT } from './redis-delete-scripts'
import { JOB_LOST_SCRIPT } from './redis-gone-jobs'
import { READ_LOG_SCRIPT } from './redis-log-script'
import { HEARTBEAT_INSTANCE_SCRIPT } from './redis-instance-registration'
import { CLAIM_LEASE_SCRIPT, HEARTBEAT_LEASE_SCRIPT, LIST_EXPIRED_LEASES_SCRIPT } from './redis-lease-scripts'
import { GET_OWNED_SCRIPT } from './redis-owned-script'
import { TAKE_RATE_SCRIPT } from './redis-rate-script'
import { BACKFILL_THREADS_SCRIPT, RENAME_THREAD_SCRIPT } from './redis-threads'

const NAMES = new Map<string, string>([
  [APPEND_SCRIPT, 'append'],
  [CREATE_SCRIPT, 'create'],
  [GET_OWNED_SCRIPT, 'owned read'],
  [READ_LOG_SCRIPT, 'log read'],
  [DELETE_EXPIRED_SCRIPT, 'retention'],
  [DELETE_JOB_SCRIPT, 'delete'],
  [JOB_LOST_SCRIPT, 'lost job'],
  [TAKE_RATE_SCRIPT, 'rate window'],
  [SEND_CONTROL_SCRIPT, 'send control'],
  [REPLY_CONTROL_SCRIPT, 'control reply'],
  [CLAIM_LEASE_SCRIPT, 'lease claim'],
  [HEARTBEAT_LEASE_SCRIPT, 'lease heartbeat'],
  [LIST_EXPIRED_LEASES_SCRIPT, 'expired lease scan'],
  [HEARTBEAT_INSTANCE_SCRIPT, 'instance heartbeat'],
  [BACKFILL_THREADS_SCRIPT, 'thread index backfill'],
  [RENAME_THREAD_SCRIPT, 'thread rename'],
])

/** `the <name> script` for one of the provider's scripts; undefined for any other source. */
export function scriptName(source: string): string | undefined {
  const name = NAMES.get(source)
  return name === undefined ? undefined : `the ${name} script`
}
