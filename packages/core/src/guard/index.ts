import { Socket } from "node:net";
import type { Socket as UdpSocket } from "node:dgram";
import type { LookupFn, ProbeContext } from "../probers/types.js";
import { parseTarget, InvalidTargetError, type Target } from "../target/index.js";
import { looksLikeNumericIpv4, parseIp, type IpAddress } from "./address.js";
import { classifyAddress, compileRanges, type AddressBlock } from "./ranges.js";
import { DEFAULT_POLICY, firstUncoveredPort, type GuardPolicy } from "./policy.js";

/**
 * SSRF guard for on-demand probes (API and Slack). Two layers:
 * `checkTarget` refuses literal addresses, local names and ports before anything is
 * looked up; `guardContext` wraps the prober's lookup / connect / udpSocket so the
 * address actually contacted is checked again at connect time (DNS rebinding).
 */

export { DEFAULT_POLICY, DEFAULT_PORTS, LAB_POLICY, parseGuardOverrides, policyFromEnv, withOverrides, type GuardOverrides, type GuardPolicy, type PortRange } from "./policy.js";
export { DENIED_RANGES, type NamedRange } from "./ranges.js";
export { parseIp, parseIpv4Loose, type IpAddress } from "./address.js";

export type BlockReason = "blocked_address" | "blocked_port" | "blocked_parameter" | "unresolved_host" | "invalid_target";

/** A target or a connection the guard refused; `message` is one line meant for people. */
export class BlockedTargetError extends Error {
  override name = "BlockedTargetError";
  /** Probers report an error carrying `outcome` as that outcome. */
  readonly outcome = "invalid_target" as const;
  constructor(
    readonly reason: BlockReason,
    message: string,
    /** What was refused: the address, port, parameter or host, for result `detail`. */
    readonly info: { host?: string; address?: string; embedded?: string; range?: string; port?: number } = {},
  ) {
    super(message);
  }

  /** The `detail` object a probe result carries when the guard refused it. */
  toDetail(): Record<string, unknown> {
    return { blockedBy: "guard", reason: this.reason, message: this.message, ...this.info };
  }
}

/** A compiled policy. Create once, share across requests. */
export interface Guard {
  readonly policy: GuardPolicy;
  /** Throws BlockedTargetError unless `host` is an IP literal the policy allows; returns its canonical form. */
  assertAddress(host: string): IpAddress;
  /** Throws BlockedTargetError unless every port in [from, to] is allowed. */
  assertPorts(from: number, to?: number): void;
}

/** Compile a policy (throws on a malformed CIDR, so a bad configuration fails at start-up). */
export function createGuard(policy: GuardPolicy = DEFAULT_POLICY): Guard {
  const allowed = compileRanges(policy.allow);
  return {
    policy,
    assertAddress(host) {
      const ip = parseIp(host);
      if (!ip) {
        if (looksLikeNumericIpv4(host)) throw new BlockedTargetError("invalid_target", `${host} is not a valid IPv4 address`, { host });
        throw new BlockedTargetError("unresolved_host", `${host} was not resolved through the guarded lookup`, { host });
      }
      const block = classifyAddress(ip, allowed);
      if (block) throw addressError(host, block);
      return ip;
    },
    assertPorts(from, to = from) {
      const port = firstUncoveredPort(policy.ports, from, to);
      if (port === undefined) return;
      const what = from === to ? `port ${from}` : `port ${port} (in ${from}-${to})`;
      throw new BlockedTargetError("blocked_port", `${what} is not open to on-demand probes`, { port });
    },
  };
}

function addressError(host: string, block: AddressBlock): BlockedTargetError {
  const via = block.embedded ? ` (embeds ${block.embedded})` : "";
  const shown = host === block.address ? host : `${host} → ${block.address}`;
  return new BlockedTargetError("blocked_address", `${shown}${via} is in a ${block.range} range that on-demand probes may not reach`, {
    host,
    address: block.address,
    range: block.range,
    ...(block.embedded ? { embedded: block.embedded } : {}),
  });
}

/**
 * Pre-check an on-demand target before any lookup: parses it with the same parser the
 * probers use, refuses literal addresses in denied ranges, names that mean loopback
 * (`localhost`, `*.localhost`), ports outside the policy and parameters that read local
 * files (`ca=`). Returns the parsed target.
 */
export function checkTarget(uri: string, guard: Guard): Target {
  let target: Target;
  try {
    target = parseTarget(uri);
  } catch (err) {
    if (err instanceof InvalidTargetError) throw new BlockedTargetError("invalid_target", err.message);
    throw err;
  }
  for (const { host, from, to } of destinations(target)) {
    assertHost(host, guard);
    if (from !== undefined) guard.assertPorts(from, to);
  }
  if ((target.kind === "tls" || target.kind === "http") && target.caFile !== undefined) {
    throw new BlockedTargetError("blocked_parameter", "ca= names a file on the probe host; on-demand probes use the system trust store");
  }
  return target;
}

function destinations(target: Target): { host: string; from?: number; to?: number }[] {
  switch (target.kind) {
    case "tcp":
      return [{ host: target.host, from: target.port, to: target.portEnd ?? target.port }];
    case "icmp":
      return [{ host: target.host, from: target.fallbackPort }];
    case "dns":
      // The queried name is data sent to the resolver; only the resolver is contacted.
      return target.resolver ? [{ host: target.resolver.host, from: target.resolver.port }] : [];
    default:
      return [{ host: target.host, from: target.port }];
  }
}

function assertHost(host: string, guard: Guard): void {
  if (parseIp(host) || looksLikeNumericIpv4(host)) {
    guard.assertAddress(host);
    return;
  }
  const name = host.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) {
    // RFC 6761: these names always mean loopback, whatever DNS says.
    try {
      guard.assertAddress("127.0.0.1");
    } catch {
      throw new BlockedTargetError("blocked_address", `${host} always means loopback, which on-demand probes may not reach`, {
        host,
        range: "loopback",
      });
    }
  }
}

/** The network entry points of a probe context: the only way probers reach the network. */
export type NetworkAccess = Pick<ProbeContext, "lookup" | "connect" | "udpSocket">;
type ConnectFn = ProbeContext["connect"];
type UdpType = Parameters<ProbeContext["udpSocket"]>[0];

/** Called whenever the guard refuses something during a probe (for result details and logs). */
export type OnBlock = (error: BlockedTargetError) => void;

/**
 * Wrap a probe context so every resolved address and every socket destination is checked
 * against the guard. A refused lookup rejects; a refused TCP connect returns a socket that
 * never opened and errors on the next tick; a refused datagram is never sent. The inner
 * functions are never called for a refused destination.
 */
export function guardContext<C extends NetworkAccess>(ctx: C, guard: Guard, onBlock: OnBlock = () => {}): C {
  const refuse = (error: unknown): BlockedTargetError => {
    const blocked = error instanceof BlockedTargetError ? error : new BlockedTargetError("invalid_target", String(error));
    onBlock(blocked);
    return blocked;
  };

  const lookup: LookupFn = async (hostname) => {
    try {
      assertHost(hostname, guard);
      const literal = parseIp(hostname);
      if (literal) return [{ address: guard.assertAddress(literal.text).text, family: literal.family }];
    } catch (err) {
      throw refuse(err);
    }
    const answers = await ctx.lookup(hostname);
    // One denied answer refuses the whole name: a host that also points inside is not probed.
    for (const answer of answers) {
      try {
        guard.assertAddress(answer.address);
      } catch (err) {
        throw refuse(err instanceof BlockedTargetError ? relabel(err, hostname) : err);
      }
    }
    return answers;
  };

  const connect = ((opts: Parameters<ConnectFn>[0]) => {
    try {
      guard.assertAddress(opts.host);
      guard.assertPorts(opts.port);
    } catch (err) {
      const blocked = refuse(err);
      const socket = new Socket();
      process.nextTick(() => socket.destroy(blocked));
      return socket;
    }
    return ctx.connect(opts);
  }) as C["connect"];
  // A destination the guard allows, through a connect that is node's own behind a check, may be opened in a
  // worker thread (tls-pool.ts): `allows` asks the same questions as the connect above, without refusing.
  const inner = ctx.connect.allows;
  if (inner) {
    connect.allows = (opts) => {
      try {
        guard.assertAddress(opts.host);
        guard.assertPorts(opts.port);
      } catch {
        return false;
      }
      return inner(opts);
    };
  }

  const udpSocket = ((type: UdpType) => guardUdp(ctx.udpSocket(type), type, guard, refuse)) as C["udpSocket"];

  return { ...ctx, lookup, connect, udpSocket };
}

function relabel(err: BlockedTargetError, hostname: string): BlockedTargetError {
  const { address, range, embedded } = err.info;
  return new BlockedTargetError(err.reason, `${hostname} resolved to ${address}, in a ${range} range that on-demand probes may not reach`, {
    host: hostname,
    ...(address ? { address } : {}),
    ...(range ? { range } : {}),
    ...(embedded ? { embedded } : {}),
  });
}

type Refuse = (error: unknown) => BlockedTargetError;

/** Patch one dgram socket's `connect` and `send` so only allowed IP literals are reached. */
function guardUdp(socket: UdpSocket, type: UdpType, guard: Guard, refuse: Refuse): UdpSocket {
  const innerConnect = socket.connect.bind(socket) as (...args: unknown[]) => void;
  const innerSend = socket.send.bind(socket) as (...args: unknown[]) => void;
  let connected = false;

  const check = (port: unknown, address: unknown): BlockedTargetError | undefined => {
    try {
      // dgram sends to localhost when no address is given, and resolves names itself: both refused.
      guard.assertAddress(typeof address === "string" ? address : type === "udp6" ? "::1" : "127.0.0.1");
      guard.assertPorts(Number(port));
      return undefined;
    } catch (err) {
      return refuse(err);
    }
  };
  const fail = (error: BlockedTargetError, callback: unknown) => {
    process.nextTick(() => (typeof callback === "function" ? callback(error) : socket.emit("error", error)));
  };

  socket.connect = ((...args: unknown[]) => {
    const [port, maybeAddress] = args;
    const blocked = check(port, typeof maybeAddress === "function" ? undefined : maybeAddress);
    if (blocked) return fail(blocked, args.find((a) => typeof a === "function"));
    connected = true;
    innerConnect(...args);
  }) as UdpSocket["connect"];

  socket.send = ((...args: unknown[]) => {
    const callback = args.find((a) => typeof a === "function");
    // send(msg, offset, length, port, address, cb) or send(msg, port, address, cb) or send(msg, cb) when connected.
    const withOffsets = typeof args[1] === "number" && typeof args[2] === "number";
    const port = withOffsets ? args[3] : args[1];
    const address = withOffsets ? args[4] : args[2];
    if (typeof port !== "number") {
      if (connected) return innerSend(...args);
      return fail(refuse(new BlockedTargetError("invalid_target", "datagram without a destination")), callback);
    }
    const blocked = check(port, typeof address === "function" ? undefined : address);
    if (blocked) return fail(blocked, callback);
    innerSend(...args);
  }) as UdpSocket["send"];

  return socket;
}
