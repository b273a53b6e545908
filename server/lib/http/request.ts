/**
 * Reading requests safely: size-limited JSON bodies, validated with a schema; a problem is a
 * `RequestError` with the status and a message naming the field.
 */
import type { z } from 'zod'
import { describeIssues } from './schemas'

/** A client error with its status (400, 413, 415). */
export class RequestError extends Error {
  override readonly name = 'RequestError'
  constructor(readonly statusCode: number, message: string) {
    super(message)
  }
}

/** Parses a raw JSON body no larger than `maxBytes`. */
export function parseJsonBody(raw: string | undefined, maxBytes: number, contentLength?: string): unknown {
  if (contentLength && Number(contentLength) > maxBytes) throw new RequestError(413, `Body is larger than ${maxBytes} bytes (limits.maxBodyBytes)`)
  if (raw && Buffer.byteLength(raw) > maxBytes) throw new RequestError(413, `Body is larger than ${maxBytes} bytes (limits.maxBodyBytes)`)
  if (!raw || raw.trim() === '') throw new RequestError(400, 'body: a JSON body is required')
  try {
    return JSON.parse(raw)
  }
  catch {
    throw new RequestError(400, 'body: is not valid JSON')
  }
}

/** Validates a value with a schema, or throws a 400 naming every problem. */
export function validate<Schema extends z.ZodType>(schema: Schema, value: unknown): z.infer<Schema> {
  const result = schema.safeParse(value)
  if (!result.success) throw new RequestError(400, describeIssues(result.error))
  return result.data
}
