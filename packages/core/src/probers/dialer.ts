import { getSystemErrorName } from "node:util";
import { declaredOutcome, errnoOf, isSelfConnect } from "./common.js";
import { defaultConnect } from "./context.js";
import type { ProbeContext } from "./types.js";

/** How one connect attempt of a scan ended. */
export type DialAnswer =
  | { kind: "open"; selfConnect: boolean }
  | { kind: "closed" }
  /** `refused`: `ctx.connect` declared the destination invalid_target (the SSRF guard). */
  | { kind: "refused"; errno: string }
  /** An answer other than SYN/ACK or RST (ICMP unreachable, a local route), or a local resource limit. */
  | { kind: "error"; errno: string; local: boolean };

/** Opens one connect attempt; `done` is called once unless the returned cancel runs first. */
export type Dial = (address: string, family: 4 | 6, port: number, done: (answer: DialAnswer) => void) => () => void;

/** Errors that say this machine ran out of something (sockets, ports), not that the path answered. */
const LOCAL_PRESSURE = new Set(["EMFILE", "ENFILE", "EADDRNOTAVAIL", "ENOBUFS", "ENOMEM", "EAGAIN"]);

/**
 * The dialer of a scan: node's TCP handles directly when `ctx.connect` is node's own connect (a socket
 * object per port costs most of a 65535-port scan's CPU and says nothing the handle does not), else
 * `ctx.connect` for every port, so a guard or the lab's connect still sees every destination.
 */
export function dialerFor(ctx: ProbeContext): Dial {
  if (ctx.connect === defaultConnect) {
    const handles = tcpHandles();
    if (handles) return handleDial(handles, ctx.localAddress);
  }
  return socketDial(ctx);
}

function answerFromErrno(errno: string): DialAnswer {
  if (errno === "ECONNREFUSED" || errno === "ECONNRESET") return { kind: "closed" };
  return { kind: "error", errno, local: LOCAL_PRESSURE.has(errno) };
}

function socketDial(ctx: ProbeContext): Dial {
  return (address, _family, port, done) => {
    let socket: ReturnType<ProbeContext["connect"]>;
    let settled = false;
    const settle = (answer: DialAnswer) => {
      if (settled) return;
      settled = true;
      socket?.destroy();
      done(answer);
    };
    const failed = (error: unknown) => {
      if (declaredOutcome(error) === "invalid_target") settle({ kind: "refused", errno: "invalid_target" });
      else settle(answerFromErrno(errnoOf(error) ?? "EUNKNOWN"));
    };
    try {
      socket = ctx.connect(ctx.localAddress ? { host: address, port, localAddress: ctx.localAddress } : { host: address, port });
    } catch (error) {
      queueMicrotask(() => failed(error));
      return () => (settled = true);
    }
    socket.once("connect", () => {
      const self = isSelfConnect(socket);
      if (self) socket.resetAndDestroy();
      settle({ kind: "open", selfConnect: self });
    });
    socket.once("error", failed);
    return () => {
      settled = true;
      socket.destroy();
    };
  };
}

interface TcpHandle {
  connect(req: ConnectRequest, address: string, port: number): number;
  connect6(req: ConnectRequest, address: string, port: number): number;
  bind(address: string, port: number): number;
  bind6(address: string, port: number, flags: number): number;
  getsockname(out: { address?: string; port?: number }): number;
  getpeername(out: { address?: string; port?: number }): number;
  reset(callback: () => void): number;
  close(callback?: () => void): void;
}
interface ConnectRequest {
  oncomplete: (status: number) => void;
}
interface TcpHandles {
  TCP: new (type: number) => TcpHandle;
  TCPConnectWrap: new () => ConnectRequest;
  constants: { SOCKET: number };
}

let handlesLoaded: TcpHandles | null | undefined;

/** node's tcp_wrap binding (what net.Socket is built on); null where this node does not expose it. */
function tcpHandles(): TcpHandles | null {
  if (handlesLoaded !== undefined) return handlesLoaded;
  try {
    const binding = (process as unknown as { binding(name: string): TcpHandles }).binding("tcp_wrap");
    handlesLoaded = typeof binding?.TCP === "function" && typeof binding.TCPConnectWrap === "function" ? binding : null;
  } catch {
    handlesLoaded = null;
  }
  return handlesLoaded;
}

function handleDial({ TCP, TCPConnectWrap, constants }: TcpHandles, localAddress: string | undefined): Dial {
  return (address, family, port, done) => {
    const handle = new TCP(constants.SOCKET);
    let settled = false;
    const settle = (answer: DialAnswer) => {
      if (settled) return;
      settled = true;
      done(answer);
    };
    const request = new TCPConnectWrap();
    request.oncomplete = (status) => {
      if (settled) return;
      if (status !== 0) {
        handle.close();
        settle(answerFromErrno(getSystemErrorName(status)));
        return;
      }
      const self = selfConnected(handle);
      // A self-connect is reset, not closed: a TIME_WAIT on it would block that port for the next probe.
      if (self) handle.reset(() => handle.close());
      else handle.close();
      settle({ kind: "open", selfConnect: self });
    };
    let status = 0;
    if (localAddress) status = family === 6 ? handle.bind6(localAddress, 0, 0) : handle.bind(localAddress, 0);
    if (status === 0) status = family === 6 ? handle.connect6(request, address, port) : handle.connect(request, address, port);
    if (status !== 0) {
      handle.close();
      const errno = getSystemErrorName(status);
      queueMicrotask(() => settle(answerFromErrno(errno)));
    }
    return () => {
      if (settled) return;
      settled = true;
      handle.close();
    };
  };
}

function selfConnected(handle: TcpHandle): boolean {
  const local: { address?: string; port?: number } = {};
  const peer: { address?: string; port?: number } = {};
  if (handle.getsockname(local) !== 0 || handle.getpeername(peer) !== 0) return false;
  return local.port === peer.port && local.address === peer.address;
}
