/**
 * Reading requests safely: JSON bodies only (`application/json`, which a cross-site form cannot
 * send without a CORS preflight), read with a byte limit that holds even without a
 * Content-Length, validated with a schema. A problem is a `RequestError` naming the field.
 */
import type { IncomingMessage } from 'node:http'
import type { H3Event } from 'h3'
import { getRequestHeader, readRawBody } from 'h3'
import type { z } from 'zod'
import { describeIssues } from '../describe-issues'
import { shownInput } from '../shown-input'
import { decodeUtf8, illFormedTextIn } from './well-formed-text'
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth'

/** A client error with its status (400, 413, 415). */
export class RequestError extends Error {
  override readonly name = 'RequestError'
  constructor(readonly statusCode: number, message: string) {
    super(message)
  }
}

/** The longest `Idempotency-Key` accepted. */
export const MAX_IDEMPOTENCY_KEY_CHARS = 200

/**
 * The request's `Idempotency-Key`, or null without one. A longer key than the limit is refused
 * (400), never cut: two different keys must not become the same one.
 */
export function idempotencyKeyOf(event: H3Event): string | null {
  const key = getRequestHeader(event, 'idempotency-key')
  if (!key) return null
  if (key.length > MAX_IDEMPOTENCY_KEY_CHARS) throw new RequestError(400, `Idempotency-Key: must be at most ${MAX_IDEMPOTENCY_KEY_CHARS} characters (got ${key.length})`)
  return key
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i

function tooLarge(maxBytes: number, limitName: string): RequestError {
  return new RequestError(413, `Body is larger than ${maxBytes} bytes (${limitName})`)
}

/** Reads a Node request body, stopping (413) as soon as it passes `maxBytes`. */
function readLimited(request: IncomingMessage, maxBytes: number, limitName: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBytes) {
        request.off('data', onData)
        request.resume() // drain the rest without keeping it
        reject(tooLarge(maxBytes, limitName))
        return
      }
      chunks.push(chunk)
    }
    request.on('data', onData)
    request.once('end', () => resolve(Buffer.concat(chunks)))
    // A client that leaves mid-body is its own doing: a 400 nobody reads, not a server error.
    request.once('error', error => reject(request.complete ? error : clientLeft()))
    request.once('close', () => {
      if (!request.complete) reject(clientLeft())
    })
  })
}

function clientLeft(): RequestError {
  return new RequestError(400, 'body: the client closed the connection before the body was complete')
}

/**
 * Parses JSON text, or throws a 400 (also for a string that is not well-formed Unicode:
 * well-formed-text.ts, and for nesting deeper than `MAX_JSON_DEPTH`: json-depth.ts).
 */
export function parseJsonText(raw: string | undefined, maxDepth = MAX_JSON_DEPTH): unknown {
  if (!raw || raw.trim() === '') throw new RequestError(400, 'body: a JSON body is required')
  let value: unknown
  try {
    value = JSON.parse(raw)
  }
  catch {
    throw new RequestError(400, 'body: is not valid JSON')
  }
  // Before anything walks the value (the check below, zod, storing it): those recurse.
  if (nestsDeeperThan(raw, maxDepth)) throw new RequestError(400, `body: nests arrays and objects more than ${maxDepth} levels deep`)
  const illFormed = illFormedTextIn(raw, value)
  if (illFormed) throw new RequestError(400, illFormed)
  return value
}

/**
 * Reads the JSON body of a request: 415 if it is not JSON or is compressed, 413 past `maxBytes` (the
 * message names `limitName`, the setting to raise), 400 if not UTF-8 or unparsable, or nested deeper
 * than `maxDepth`.
 */
export async function readJsonBody(event: H3Event, maxBytes: number, limitName = 'limits.maxBodyBytes', maxDepth = MAX_JSON_DEPTH): Promise<unknown> {
  if (!JSON_TYPE.test(getRequestHeader(event, 'content-type') ?? '')) {
    throw new RequestError(415, 'content-type: must be application/json')
  }
  // A compressed body is not decoded here: say so (RFC 9110's 415), not that its bytes are bad text.
  const coding = getRequestHeader(event, 'content-encoding')?.trim()
  if (coding && coding.toLowerCase() !== 'identity') throw new RequestError(415, `content-encoding: ${shownInput(coding)} is not accepted; send the JSON body uncompressed`)
  const length = getRequestHeader(event, 'content-length')
  if (length && Number(length) > maxBytes) throw tooLarge(maxBytes, limitName)
  const request = event.node.req
  // A real socket request is read with the limit; other runtimes hand h3 a buffered body.
  const bytes = typeof request.on === 'function' && !request.readableEnded && !(event as { _requestBody?: unknown })._requestBody
    ? await readLimited(request, maxBytes, limitName)
    : await readRawBody(event, false)
  if (bytes && bytes.length > maxBytes) throw tooLarge(maxBytes, limitName)
  // Decoded strictly: bad bytes would otherwise become `�` in what is stored.
  const raw = bytes ? decodeUtf8(bytes) : undefined
  if (raw === null) throw new RequestError(400, 'body: is not valid UTF-8')
  return parseJsonText(raw, maxDepth)
}

/** Validates a value with a schema, or throws a 400 naming every problem. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  const result = schema.safeParse(value)
  if (!result.success) throw new RequestError(400, describeIssues(result.error, 'body'))
  return result.data
}
