/**
 * Verdicts, in one home: per-region threshold state (state.ts), the cross-region quorum rule
 * (quorum.ts), the one freshness rule (freshness.ts), the read model every reader uses
 * (model.ts) and incident transitions (incidents.ts).
 */
export * from "./state.js";
export * from "./quorum.js";
export * from "./freshness.js";
export * from "./model.js";
export * from "./incidents.js";
