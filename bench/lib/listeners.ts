/**
 * Plain TCP listeners on fixed ports (the open ports of the scan bench). Run inside the
 * bench's namespace; prints the ports as one JSON line, serves until stdin closes.
 * argv: host port…
 */
import net from "node:net";

const [host = "127.0.0.1", ...ports] = process.argv.slice(2);
const servers = await Promise.all(
  ports.map(
    (port) =>
      new Promise<net.Server>((resolve, reject) => {
        const server = net.createServer((s) => s.on("error", () => {}).resume());
        server.once("error", reject);
        server.listen({ host, port: Number(port), backlog: 1024 }, () => resolve(server));
      }),
  ),
);
process.stdout.write(JSON.stringify(ports.map(Number)) + "\n");
process.stdin.resume();
process.stdin.on("end", () => {
  for (const server of servers) server.close();
  process.exit(0);
});
