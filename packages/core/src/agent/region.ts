/** How an agent location is named as a region (no imports: the verdict code reads it too). */

const AGENT_PREFIX = "agent:";

/** The region name of an agent location (`onprem-dc1` → `agent:onprem-dc1`). */
export function agentRegion(location: string): string {
  return `${AGENT_PREFIX}${location}`;
}

/** True for the region of an agent location. */
export function isAgentRegion(region: string): boolean {
  return region.startsWith(AGENT_PREFIX);
}

/** The location of an agent region; undefined for a cloud region. */
export function locationOf(region: string): string | undefined {
  return isAgentRegion(region) ? region.slice(AGENT_PREFIX.length) : undefined;
}
