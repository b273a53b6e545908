/**
 * The sizes the functions and the provider keep to, under Convex's limits
 * (https://docs.convex.dev/production/state/limits): a document holds at most 1 MiB, and one
 * query or mutation reads and writes at most 16 MiB, 32 000 documents read and 16 000 written, and reads at most 4 096 index ranges (each `db.query`).
 * Sizes are UTF-8 bytes, as Convex counts them. Imported by the server's provider too, so both
 * sides agree on them.
 */

/** Convex's largest document. */
export const MAX_DOCUMENT_BYTES = 1_048_576

/**
 * Events JSON in one stored batch document: the rest of the document's 1 MiB is left for its
 * other fields, with room to spare.
 */
export const MAX_BATCH_BYTES = 900_000

/**
 * A job's request as JSON (one `jobRequests` document) and an input answer as JSON (one `controls`
 * document): stored whole, never in pieces, so each must fit a document with room for its other
 * fields. An app whose `limits.maxBodyBytes` is larger gets a 413 for a bigger one.
 */
export const MAX_REQUEST_BYTES = 1_000_000

/**
 * The owner's reply to a control as JSON (`controls.replyJson`): it is patched into the control's
 * document, beside an answer of up to `MAX_REQUEST_BYTES`, so it gets what is left of the 1 MiB
 * with room to spare. The provider cuts a longer refusal message to fit (convex-reply.ts).
 */
export const MAX_REPLY_BYTES = 16_384

/**
 * Events JSON in one `appendEvents` call (every document it inserts together): well inside a
 * transaction's argument and write limits. A single event up to this size is stored in pieces by
 * one mutation; a bigger one can never be stored whole.
 */
export const MAX_APPEND_BYTES = 4 * 1_048_576

/** Batch bytes one `readEvents` page reads before it stops (a pieced event may add its pieces). */
export const READ_PAGE_BYTES = 4_000_000
/**
 * … and at most this many batches (stored documents) per page: a long job of small batches would
 * otherwise pass Convex's 8,192 elements per returned array and its documents scanned per call.
 */
export const READ_PAGE_BATCHES = 2_000

/**
 * Job documents one query reads for the records it returns (`list`, `listExpiredLeases`) before it
 * stops early: each record comes with its request, up to the app's body limit each.
 */
export const RECORD_PAGE_BYTES = 4_000_000

/**
 * Index ranges (each `db.query`, Convex allows 4,096 per call) a page of `listThreads` reads before it
 * ends early: a thread reads 5 and each of its records up to 3 (listed request, request, lease), and
 * a thread can list up to 302 records, so the thread that passes this still fits.
 */
export const THREAD_PAGE_QUERIES = 3_000

/** Document bytes one cleanup mutation reads and deletes before it stops (the last one may overshoot by a document). */
export const CLEANUP_BYTES = 6 * 1_048_576

/** Documents one cleanup mutation deletes before it stops. */
export const CLEANUP_ROWS = 2_000

/** UTF-8 size of a string, without needing `TextEncoder`. */
export function utf8Bytes(text: string): number {
  let bytes = 0
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index)
    if (code < 0x80) bytes += 1
    else if (code < 0x800) bytes += 2
    // A surrogate pair is one 4-byte character: count 2 for each half.
    else if (code >= 0xD800 && code <= 0xDFFF) bytes += 2
    else bytes += 3
  }
  return bytes
}

/** The `data` of the error a call with something too big for Convex throws (the provider never sends one). */
export type TooLarge = {
  code: 'too-large'
  message: string
}

/**
 * The most hits one rate window may allow (`rates:take`, `jobs:create`'s `rates`): a call reads up
 * to that many hit documents, and Convex reads at most 32,000 documents per call. The engine's
 * windows allow `limits.…PerMinute`, which the configuration check holds to it (config-validate.ts).
 */
export const MAX_RATE_LIMIT = 10_000
