/**
 * A workflow whose input schema looks its value up (a refine): `bookingLookup.fail` set makes
 * that lookup throw, as an app's database that is down would (schema-check-throws tests).
 */
import { z } from 'zod'

/** Set `fail` to a function that throws to make the input schema's lookup fail; reset it after each test. */
export const bookingLookup = { fail: null as null | (() => never) }

/** Books a room; the room `gone` is refused as a value (`no such room`). */
export const bookingWorkflow = {
  name: 'booking',
  description: 'books a room',
  input: z.object({ room: z.string().refine((room) => {
    bookingLookup.fail?.()
    return room !== 'gone'
  }, 'no such room') }),
  nodes: { done: { kind: 'output', value: 'Booked' } },
  edges: [],
}
