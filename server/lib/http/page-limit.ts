/**
 * The `limit` of a list route (`GET /api/jobs`: 1–200, `GET /api/jobs/threads`: 1–100): one 400
 * saying what is expected, whatever was wrong — not zod's `expected number, received NaN` for
 * `?limit=ten`, nor two issues about one huge number.
 */
import { z } from 'zod'

/** A whole number from 1 to `max`, read from a query parameter. */
export function pageLimit(max: number) {
  const message = `must be a whole number from 1 to ${max}`
  return z.coerce.number({ error: message }).refine(value => Number.isInteger(value) && value >= 1 && value <= max, message)
}
