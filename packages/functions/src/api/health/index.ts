import { Hono } from "hono";
import type { RouteDoc } from "../validate.js";

/** Liveness: answers without touching the store. */
export function healthRoutes(): Hono {
  return new Hono().get("/healthz", (c) => c.json({ status: "ok" }));
}

export const healthDocs: RouteDoc[] = [
  { method: "get", path: "/healthz", summary: "Liveness probe", responses: { 200: "The API process is up" } },
];
