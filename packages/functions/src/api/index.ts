/** The probemesh HTTP API: `createApp(deps)` and the types to wire it. */
export { createApp, type AppType } from "./app.js";
export type { AppDeps } from "./deps.js";
export { ApiError, BadRequest, Forbidden, NotFound, PayloadTooLarge, TooManyRequests, Unauthorized } from "./errors/index.js";
