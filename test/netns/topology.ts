/**
 * The multi-region fault lab: three region namespaces and one target namespace (each made by
 * test/support/netns.ts), every region joined to the target by its own veth pair. The target
 * carries the vendor stand-ins on two service addresses; the faults are real kernel behaviour:
 *   - eu-west-1: the target's nftables input chain drops its packets to web:8443 (timeout);
 *   - ap-southeast-2: an `unreachable` route to db (EHOSTUNREACH), and the DNS responder
 *     answers NXDOMAIN for api.vendor.test to its queries;
 *   - us-east-1: healthy.
 */
import { createNetns, type Netns } from "../support/netns.js";

export const HEALTHY = "us-east-1";
export const DROPPED = "eu-west-1";
export const UNREACHABLE = "ap-southeast-2";
export const REGIONS = [HEALTHY, DROPPED, UNREACHABLE] as const;

/** Addresses inside the target namespace (10.251/16 is outside the /24s netns.ts hands out). */
export const WEB = "10.251.100.1";
export const DB = "10.251.100.2";
export const WEB_TCP_PORT = 8443;
export const API_TLS_PORT = 443;
export const DB_HTTP_PORT = 8080;
export const CLOSED_PORT = 9;

export const RECORDS: Record<string, string> = {
  "web.vendor.test": WEB,
  "api.vendor.test": WEB,
  "db.vendor.test": DB,
};

/** A region's address on its link to the target: the source the target (and its DNS) sees. */
export function regionAddress(index: number): string {
  return `10.251.${index + 1}.2`;
}

export interface Topology {
  target: Netns;
  regions: Record<string, Netns>;
  /** Removes eu-west-1's drop rule (the fault heals). */
  healDrop(): Promise<void>;
  names(): string[];
  destroy(): Promise<void>;
}

const DROP_TABLE = "probemesh_fault";

export async function buildTopology(): Promise<Topology> {
  const created: Netns[] = [];
  try {
    const target = await createNetns();
    created.push(target);
    const regions: Record<string, Netns> = {};
    for (const [index, region] of REGIONS.entries()) {
      const ns = await createNetns();
      created.push(ns);
      regions[region] = ns;
      const targetIf = `to-r${index + 1}`;
      await target.exec("ip", ["link", "add", targetIf, "type", "veth", "peer", "name", "to-target", "netns", ns.name]);
      await target.exec("ip", ["addr", "add", `10.251.${index + 1}.1/24`, "dev", targetIf]);
      await target.exec("ip", ["link", "set", targetIf, "up"]);
      await ns.exec("ip", ["addr", "add", `${regionAddress(index)}/24`, "dev", "to-target"]);
      await ns.exec("ip", ["link", "set", "to-target", "up"]);
      await ns.exec("ip", ["route", "add", "10.251.100.0/24", "via", `10.251.${index + 1}.1`]);
    }
    await target.exec("ip", ["addr", "add", `${WEB}/32`, "dev", "lo"]);
    await target.exec("ip", ["addr", "add", `${DB}/32`, "dev", "lo"]);
    await target.nft(
      `table inet ${DROP_TABLE} {\n  chain input {\n    type filter hook input priority 0; policy accept;\n` +
        `    ip saddr ${regionAddress(REGIONS.indexOf(DROPPED))} tcp dport ${WEB_TCP_PORT} drop\n  }\n}\n`,
    );
    await regions[UNREACHABLE]!.exec("ip", ["route", "add", "unreachable", `${DB}/32`]);
    return {
      target,
      regions,
      healDrop: async () => {
        await target.exec("nft", ["delete", "table", "inet", DROP_TABLE]);
      },
      names: () => created.map((ns) => ns.name),
      destroy: async () => {
        for (const ns of created.reverse()) await ns.destroy();
      },
    };
  } catch (error) {
    for (const ns of created.reverse()) await ns.destroy();
    throw error;
  }
}
