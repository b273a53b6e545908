/**
 * For tests of a chat whose owner is lost at a chosen write: the chat request they run and an
 * owner's provider that dies at the first write holding an event of a given type.
 */
import type { JobEvent } from '../../shared/events'
import type { JobProvider } from '../../server/lib/providers/types'

export const sayHelloRequest = { type: 'chat' as const, messages: [{ role: 'user' as const, content: 'Say hello' }] }

/** An owner that dies at the first write holding an event of `type`: what came before it lands, nothing after does. */
export const diesBefore = (type: JobEvent['type']) => (provider: JobProvider): JobProvider => ({
  ...provider,
  heartbeatLease: async () => true,
  appendEvents: async (id, events, options) => {
    const at = events.findIndex(event => event.type === type)
    if (at < 0) return await provider.appendEvents(id, events, options)
    if (at > 0) await provider.appendEvents(id, events.slice(0, at), options)
    return await new Promise(() => {})
  },
})
