/**
 * A job's log read from the `redis` provider in one command: the first page of its Stream
 * (`XRANGE`), with what the reads need of its hash and key beside it — the end of a job closed
 * without its log (`closedEnd`, redis-refused-end.ts), `lastSeq` and whether the log key exists
 * (a job deleted, or a log lost on its own, redis-log-read.ts). Before, that was `XRANGE` and
 * `HGET closedEnd` side by side, then `HGET lastSeq` and `EXISTS`: four commands per read, and a
 * viewer's catch-up reads many times. In one script the four are read at one moment, so a job
 * deleted by retention meanwhile cannot leave a log read and no record (or the reverse).
 */

/**
 * ARGV: prefix, id, from (a Stream id), count. Returns {entries, closedEnd, lastSeq, logExists}:
 * `entries` as `XRANGE` answers, or nil when the job was closed without its log and the log
 * cannot be read (a key of another type); without a closed end, that read's error is the script's.
 * `closedEnd` and `lastSeq` are nil when the hash has none.
 */
export const READ_LOG_SCRIPT = `
local log, job = ARGV[1] .. 'log:' .. ARGV[2], ARGV[1] .. 'job:' .. ARGV[2]
local head = redis.call('HMGET', job, 'closedEnd', 'lastSeq')
local entries
if head[1] then
  local ok, read = pcall(redis.call, 'XRANGE', log, ARGV[3], '+', 'COUNT', ARGV[4])
  entries = ok and read
else
  entries = redis.call('XRANGE', log, ARGV[3], '+', 'COUNT', ARGV[4])
end
return {entries, head[1], head[2], redis.call('EXISTS', log)}`

/** The script's reply: a page of entries (null: unreadable, with a closed end), `closedEnd`, `lastSeq`, `EXISTS`. */
export type ReadLogReply<Entries> = [Entries | null, string | null, string | null, number]
