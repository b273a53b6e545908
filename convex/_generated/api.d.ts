/* eslint-disable */
/**
 * Generated `api` utility.
 *
 * THIS CODE IS AUTOMATICALLY GENERATED.
 *
 * To regenerate, run `npx convex dev`.
 * @module
 */

import type {
  ApiFromModules,
  FilterApi,
  FunctionReference,
} from "convex/server";
import type * as access from "../access.js";
import type * as activeCount from "../activeCount.js";
import type * as changedJob from "../changedJob.js";
import type * as cleanup from "../cleanup.js";
import type * as controls from "../controls.js";
import type * as crons from "../crons.js";
import type * as deletion from "../deletion.js";
import type * as events from "../events.js";
import type * as feed from "../feed.js";
import type * as health from "../health.js";
import type * as jobPages from "../jobPages.js";
import type * as jobs from "../jobs.js";
import type * as leaseStore from "../leaseStore.js";
import type * as leases from "../leases.js";
import type * as limits from "../limits.js";
import type * as model from "../model.js";
import type * as rates from "../rates.js";
import type * as secret from "../secret.js";
import type * as threads from "../threads.js";
import type * as version from "../version.js";

/**
 * A utility for referencing Convex functions in your app's API.
 *
 * Usage:
 * ```js
 * const myFunctionReference = api.myModule.myFunction;
 * ```
 */
declare const fullApi: ApiFromModules<{
  access: typeof access;
  activeCount: typeof activeCount;
  changedJob: typeof changedJob;
  cleanup: typeof cleanup;
  controls: typeof controls;
  crons: typeof crons;
  deletion: typeof deletion;
  events: typeof events;
  feed: typeof feed;
  health: typeof health;
  jobPages: typeof jobPages;
  jobs: typeof jobs;
  leaseStore: typeof leaseStore;
  leases: typeof leases;
  limits: typeof limits;
  model: typeof model;
  rates: typeof rates;
  secret: typeof secret;
  threads: typeof threads;
  version: typeof version;
}>;
export declare const api: FilterApi<
  typeof fullApi,
  FunctionReference<any, "public">
>;
export declare const internal: FilterApi<
  typeof fullApi,
  FunctionReference<any, "internal">
>;
