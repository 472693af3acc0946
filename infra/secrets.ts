/**
 * Secrets live in SST's encrypted store (`npx sst secret set NAME value --stage prod`).
 * Empty placeholders keep the documented "unset" behaviour: Slack answers 503 and
 * writes (POST /v1/probes) are refused until a value is set.
 */
export const slackSigningSecret = new sst.Secret("SlackSigningSecret", "");
/** Comma-separated bearer tokens allowed to request on-demand probes. */
export const apiTokens = new sst.Secret("ApiTokens", "");
/** Agent tokens, `location:token,…` (PROBEMESH_AGENT_TOKENS): each writes only its own location's results. */
export const agentTokens = new sst.Secret("AgentTokens", "");
