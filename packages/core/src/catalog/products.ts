/** Built-in product ids, in the order `catalog list` shows them. */
export const BUILTIN_PRODUCTS = ["auth0-private-cloud", "auth0-appliance", "strongdm", "circleci-server", "kong-konnect"] as const;
export type BuiltinProduct = (typeof BUILTIN_PRODUCTS)[number];
