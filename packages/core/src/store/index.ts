/**
 * DynamoDB single-table results store. See ./README.md for the access patterns,
 * keys and the cost arithmetic.
 */
export type * from "./types.js";
export { TABLE_SCHEMA } from "./schema.js";
