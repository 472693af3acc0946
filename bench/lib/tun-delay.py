#!/usr/bin/env python3
"""Userspace link with a known one-way delay between two network namespaces.

`tc netem` is not available in this kernel, so the timing bench builds its own slow link:
one TUN device in each namespace, and this process copies every IP packet from one to the
other after `delay_ms`. Node cannot do the TUNSETIFF ioctl, hence Python (stdlib only).

usage: tun-delay.py NS_A DEV_A NS_B DEV_B DELAY_MS
Prints "ready" once both devices exist; runs until stdin closes. The devices vanish with it.
"""
import ctypes, fcntl, heapq, os, select, struct, sys, time

TUNSETIFF = 0x400454CA
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def open_tun_in(netns: str, dev: str) -> int:
    ns_fd = os.open(f"/var/run/netns/{netns}", os.O_RDONLY)
    if libc.setns(ns_fd, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {netns}")
    os.close(ns_fd)
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", dev.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main() -> None:
    ns_a, dev_a, ns_b, dev_b, delay_ms = sys.argv[1:6]
    delay = float(delay_ms) / 1000.0
    fd_a, fd_b = open_tun_in(ns_a, dev_a), open_tun_in(ns_b, dev_b)
    peer = {fd_a: fd_b, fd_b: fd_a}
    print("ready", flush=True)
    queue: list = []  # (due, seq, out_fd, packet)
    seq = 0
    stdin = sys.stdin.fileno()
    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else None
        readable, _, _ = select.select([fd_a, fd_b, stdin], [], [], timeout)
        now = time.monotonic()
        for fd in readable:
            if fd == stdin:
                if not os.read(stdin, 4096):
                    return
                continue
            while True:
                try:
                    packet = os.read(fd, 65536)
                except BlockingIOError:
                    break
                seq += 1
                heapq.heappush(queue, (now + delay, seq, peer[fd], packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, out, packet = heapq.heappop(queue)
            try:
                os.write(out, packet)
            except OSError:
                pass  # the peer device is not up yet (EIO): a lost packet, as on a real link


if __name__ == "__main__":
    main()
