/**
 * A key prefix holding a glob character (`*`, `?`, `[`, `]`, `\`): Redis reads ACL key and channel
 * rules as glob patterns, so the `ACL SETUSER … &<prefix>*` the boot error told the operator to run
 * did not grant the prefix's own channels (`&tenant[eu]:*` matches `tenanteu:…`, not
 * `tenant[eu]:…`), and the boot kept failing with the same advice. The advice now escapes them.
 */
import { createClient } from 'redis'
import { describe, expect, it, onTestFinished } from 'vitest'
import { createRedisProvider } from '../../server/lib/providers/redis'
import { useRedisServer } from '../support/redis-server'

const redis = useRedisServer()

/** What `ready()` of a provider as the user `app` ends with (disposed after). */
async function bootAs(keyPrefix: string): Promise<unknown> {
  const provider = createRedisProvider({ url: redis.url.replace('redis://', 'redis://app:secret@'), keyPrefix, onError: () => {} })
  onTestFinished(() => provider.dispose())
  const outcome = await provider.ready().then(() => 'ready', (error: unknown) => error)
  await provider.dispose()
  return outcome
}

/** The `ACL SETUSER …` an error message says to run, as the arguments redis-cli would send. */
function advisedAcl(message: string): string[] {
  const advice = /ACL SETUSER (\S+(?: [~&+%]\S+)+)/.exec(message)?.[1]
  if (!advice) throw new Error(`no ACL SETUSER in: ${message}`)
  return ['ACL', 'SETUSER', ...advice.replace(/[),]+$/, '').split(' ')]
}

describe('redis provider: ACL advice for a prefix with glob characters', () => {
  it('the ACL the boot error names grants the prefix, and the boot then goes through', async () => {
    const admin = createClient({ url: redis.url })
    onTestFinished(() => admin.close().catch(() => {}))
    await admin.connect()
    for (const prefix of ['tenant[eu]:', 'jobs*?:']) {
      await admin.sendCommand(['ACL', 'DELUSER', 'app'])
      await admin.sendCommand(['ACL', 'SETUSER', 'app', 'on', '>secret', 'resetchannels', '+@all'])
      const keysDenied = await bootAs(prefix)
      await admin.sendCommand(advisedAcl(String((keysDenied as Error)?.message)))
      const channelsDenied = await bootAs(prefix)
      if (channelsDenied !== 'ready') await admin.sendCommand(advisedAcl(String((channelsDenied as Error)?.message)))
      expect(await bootAs(prefix), prefix).toBe('ready')
    }
  })
})
