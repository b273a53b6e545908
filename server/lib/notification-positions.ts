/**
 * The ids of the user-level stream's notifications and resume positions (notifications.ts): they
 * follow the clock, so the ids of instances order alike, and a resume position is placed — replayed
 * from, or taken as none — by whether this instance gave it and how far it is from the clock.
 */

/**
 * How far before a resume position it did not give itself an instance replays: that id came from
 * another instance's clock, and what this one notified just after it (real time) may have a
 * smaller id here when its clock runs behind. A notification replayed that the tab already had is
 * dropped by the client (same key); one it never had is at most this much older than its position.
 */
export const NOTIFICATION_REPLAY_SKEW_MS = 5_000

/**
 * The oldest resume position taken (see `placeablePosition`): far past any retention and any tab's sleep,
 * and far short of the age of a counter id of the version before ids followed the clock.
 */
export const NOTIFICATION_POSITION_MAX_AGE_MS = 365 * 24 * 3_600_000

/**
 * The id after `lastId` for a notification (or a fresh stream's position) at time `at`: from the
 * clock, so the ids of instances interleave (a reconnect may land on another one), and one more
 * than the last when the clock stands still or goes back. Kept in `given` (oldest first, the last
 * `kept`): a resume from one of them needs no clock-skew margin.
 */
export function nextNotificationId(lastId: number, at: number, given: number[], kept: number): number {
  const id = Math.max(lastId + 1, Math.floor(at))
  given.push(id)
  if (given.length > kept) given.shift()
  return id
}

/**
 * Where a replay from `afterId` starts: there for an id this instance gave the user (its ids only
 * grow), else `NOTIFICATION_REPLAY_SKEW_MS` before it (another instance's clock may run ahead).
 */
export function replayFrom(given: readonly number[], afterId: number): number {
  return given.includes(afterId) ? afterId : afterId - NOTIFICATION_REPLAY_SKEW_MS
}

/**
 * Whether a stream can resume from `afterId`: one this instance gave the user, 0 (asks for
 * everything still held), or any time less than `NOTIFICATION_POSITION_MAX_AGE_MS` before `now` and
 * not past `now` (or `lastId`, the last id given) by more than `NOTIFICATION_REPLAY_SKEW_MS`. An older
 * one is no position of this version: an id of a version whose ids were a counter (1, 2, 3 …),
 * read as a time near 1970, replayed every change of the user the stores still held (or the
 * whole backlog) as news, though the tab may have had them all. One further ahead (another
 * instance's clock far ahead, this one's set back) kept the tab there with nothing replayable: a
 * tab that heard nothing before its next break came back with it, and missed what was notified
 * meanwhile. Either starts afresh instead, with a position of this instance.
 */
export function placeablePosition(given: readonly number[], afterId: number, now: number, lastId: number): boolean {
  if (afterId === 0 || given.includes(afterId)) return true
  return afterId >= now - NOTIFICATION_POSITION_MAX_AGE_MS && afterId <= Math.max(now, lastId) + NOTIFICATION_REPLAY_SKEW_MS
}
