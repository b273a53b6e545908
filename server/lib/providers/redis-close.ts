/**
 * Closing the provider's connections (dispose). A graceful close waits until every queued command
 * is answered: while Redis is silent that is never, and the process could not exit, so the wait is
 * bounded (one command timeout), then the sockets are dropped. A connection that is down
 * (reconnecting, or in a handshake not answered yet) is dropped at once: closing it stops its
 * reconnecting, so what waits in its offline queue could never be sent nor answered, and a
 * dispose while Redis is gone would wait out the whole command timeout for nothing.
 */

/** What closing needs of a node-redis client. */
interface ClosableClient {
  readonly isReady: boolean
  close(): Promise<void>
  destroy(): void
}

/** Closes the clients, waiting at most as long as `bounded` lets a promise wait. */
export async function closeClients(clients: ClosableClient[], bounded: (closing: Promise<unknown>) => Promise<unknown>): Promise<void> {
  await bounded(Promise.allSettled(clients.map(client => client.isReady ? client.close() : Promise.resolve(destroy(client))))).catch(() => {})
  // Not only when `isOpen`: close() clears it at once, while its socket stays open waiting for the
  // queued replies (for ever on a dead connection).
  for (const client of clients) destroy(client)
}

/** Drops a client's socket. Destroying a closed client is a no-op in node-redis 6 and throws in 5: nothing is left to drop then. */
function destroy(client: ClosableClient): void {
  try {
    client.destroy()
  }
  catch {}
}
