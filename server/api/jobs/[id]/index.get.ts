/** GET /api/jobs/:id — the job and its reduced state as JSON. */
import { getRouterParam } from 'h3'
import { defineJobsHandler } from '../../../lib/http/handler'

export default defineJobsHandler(({ event, engine, userId }) => engine.getJob(userId, getRouterParam(event, 'id') ?? ''))
