/**
 * The invariants of the Redis fault fuzz, read from the store once every fault healed: each a list
 * of problems (empty when it holds), so a failing seed names all it broke.
 */
import type { JobEvent } from '../../shared/events'
import { isTerminalStatus } from '../../shared/events'
import { createJobState, reduceEvents } from '../../shared/reducer'
import type { RedisJobProvider } from '../../server/lib/providers/redis'
import type { World } from './redis-fault-world'

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/** Every problem found in the store and in what the instances were told. */
export async function worldProblems(world: World, store: RedisJobProvider): Promise<string[]> {
  const problems: string[] = []
  const logs = new Map<string, JobEvent[]>()
  for (const job of world.jobs) {
    const range = await store.readEvents(job, 0)
    const record = await store.get(job)
    const log = range?.events ?? []
    logs.set(job, log)
    if (!range?.complete) problems.push(`${job}: log not complete`)
    // Offsets contiguous, one end (the last event), the record agreeing.
    log.forEach((event, index) => {
      if (event.seq !== index + 1) problems.push(`${job}: event ${index} has seq ${event.seq}`)
    })
    const ends = log.filter(event => event.type === 'job-end')
    if (ends.length !== 1 || log.at(-1)?.type !== 'job-end') problems.push(`${job}: ${ends.length} job-end events, last is ${log.at(-1)?.type}`)
    if (!record || !isTerminalStatus(record.status) || record.lastSeq !== log.length) problems.push(`${job}: record ${record?.status} lastSeq ${record?.lastSeq}, log ${log.length}`)
    // Text offsets continue the text (a batch stored twice or lost in the middle breaks them).
    let length = 0
    for (const event of log) {
      if (event.type !== 'text-delta') continue
      if (event.offset !== length) problems.push(`${job}: seq ${event.seq} at offset ${event.offset}, text is ${length} long`)
      length = event.offset + event.text.length
    }
    // A write of an older epoch never lands after a newer one.
    let epoch = 1
    for (const event of log) {
      if ((event.epoch ?? 1) < epoch) problems.push(`${job}: seq ${event.seq} of epoch ${event.epoch ?? 1} after epoch ${epoch}`)
      epoch = Math.max(epoch, event.epoch ?? 1)
    }
  }
  // Acknowledged batches are stored whole; every stored event was sent in a batch stored whole.
  for (const batch of world.batches) {
    const log = logs.get(batch.job)!
    const found = batch.events.filter(event => same(log[event.seq - 1], event)).length
    if (batch.acked && found !== batch.events.length) problems.push(`${batch.job}: acknowledged batch ${batch.events[0]!.seq}..${batch.events.at(-1)!.seq} of i${batch.instance} epoch ${batch.epoch}: ${found} of ${batch.events.length} stored`)
    if (found !== 0 && found !== batch.events.length) problems.push(`${batch.job}: batch ${batch.events[0]!.seq}..${batch.events.at(-1)!.seq} partly stored (${found} of ${batch.events.length})`)
  }
  for (const [job, log] of logs) {
    for (const event of log) {
      if (!world.batches.some(batch => batch.job === job && batch.events.some(sent => same(sent, event)))) problems.push(`${job}: stored seq ${event.seq} was never sent`)
    }
  }
  // Leases: one epoch per claim; a lease renewed after a later claim was acknowledged is a second live owner.
  for (const job of world.jobs) {
    const acks = world.leases.map((ack, index) => ({ ...ack, index })).filter(ack => ack.job === job)
    const claims = acks.filter(ack => ack.kind === 'claim')
    if (new Set(claims.map(ack => ack.epoch)).size !== claims.length) problems.push(`${job}: two claims got one epoch: ${claims.map(ack => ack.epoch)}`)
    for (const ack of acks) {
      const newer = claims.find(other => other.epoch > ack.epoch && other.index < ack.sentAfter)
      if (newer) problems.push(`${job}: i${ack.instance} ${ack.kind} of epoch ${ack.epoch} acknowledged after i${newer.instance}'s claim of epoch ${newer.epoch}`)
    }
  }
  // Controls: each stored once, delivered once per subscription; replies heard once, as stored.
  for (const job of world.jobs) {
    const stored = await store.readControls(job)
    const ids = stored.map(control => control.id)
    if (new Set(ids).size !== ids.length) problems.push(`${job}: control ids repeated: ${ids}`)
    for (const sent of world.controls.filter(control => control.job === job)) {
      const found = stored.filter(control => control.id === sent.id)
      if (found.length !== 1 || !same({ ...found[0], id: undefined, sentAt: undefined }, { ...sent.control, id: undefined, sentAt: undefined })) problems.push(`${job}: control ${sent.id} stored ${found.length} times as ${JSON.stringify(found)}`)
      const reply = await store.readControlReply(job, sent.id)
      if (sent.replies.some(attempt => attempt.acked) && !reply) problems.push(`${job}: control ${sent.id} was answered, no reply stored`)
      if (reply && !sent.replies.some(attempt => same(attempt.reply, reply))) problems.push(`${job}: control ${sent.id} has a reply nobody sent: ${JSON.stringify(reply)}`)
      if (sent.heard.length > 1 || (reply ? !same(sent.heard, [reply]) : sent.heard.length > 0)) problems.push(`${job}: control ${sent.id} sender heard ${JSON.stringify(sent.heard)}, stored ${JSON.stringify(reply)}`)
    }
  }
  for (const delivered of world.deliveries) {
    if (new Set(delivered.ids).size !== delivered.ids.length) problems.push(`${delivered.job}: a control subscription got ${delivered.ids}`)
  }
  // Followers: every event after their seq once, in order, equal to the log; the same text.
  for (const viewer of world.viewers) {
    const log = logs.get(viewer.job)!
    const expected = log.slice(viewer.afterSeq)
    if (viewer.gone) problems.push(`${viewer.job}: a follower on i${viewer.instance} was told the job is gone`)
    if (!same(viewer.events, expected)) problems.push(`${viewer.job}: follower on i${viewer.instance} after ${viewer.afterSeq} got seqs ${viewer.events.map(event => event.seq)}, log has ${log.length}`)
    const rebuilt = reduceEvents(createJobState({ id: viewer.job, type: 'chat', createdAt: 0 }), [...log.slice(0, viewer.afterSeq), ...viewer.events])
    const full = reduceEvents(createJobState({ id: viewer.job, type: 'chat', createdAt: 0 }), log)
    if (rebuilt.content !== full.content) problems.push(`${viewer.job}: follower on i${viewer.instance} rebuilt ${JSON.stringify(rebuilt.content)}, log has ${JSON.stringify(full.content)}`)
  }
  return problems
}

/** True once every follower got the whole log and every sender a stored reply (the checks then compare). */
export async function followersCaughtUp(world: World, store: RedisJobProvider): Promise<boolean> {
  for (const viewer of world.viewers) {
    const record = await store.get(viewer.job)
    if ((viewer.events.at(-1)?.seq ?? viewer.afterSeq) < (record?.lastSeq ?? 0)) return false
  }
  for (const control of world.controls) {
    if (control.heard.length === 0 && await store.readControlReply(control.job, control.id)) return false
  }
  return true
}
