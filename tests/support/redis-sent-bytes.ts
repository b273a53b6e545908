/**
 * For tests that measure what Redis sends back: a plain client on the server (closed when the test
 * finishes) and the bytes Redis has sent to its clients so far (its `total_net_output_bytes`; an
 * INFO reply's own bytes aside, a few KB).
 */
import { createClient } from 'redis'
import { onTestFinished } from 'vitest'

export async function redisSentBytes(url: string) {
  const admin = createClient({ url })
  await admin.connect()
  onTestFinished(async () => {
    await admin.close()
  })
  const sentBytes = async () => Number(/total_net_output_bytes:(\d+)/.exec(await admin.info('stats'))![1])
  return { admin, sentBytes }
}
