/**
 * Client side of the timing bench, run inside the client namespace: probes each URI `n` times,
 * one at a time with a pause between them (so each connection is alone on the wire and the
 * capture can be matched to it by order), and prints the phase timings as one JSON line.
 * argv JSON: { uris: Record<kind, uri>, n, ca, gapMs }
 */
import { defaultContext, probe } from "@probemesh/core/probers";

interface Args {
  uris: Record<string, string>;
  n: number;
  ca: string;
  gapMs: number;
}

const args = JSON.parse(process.argv[2] ?? "{}") as Args;
const context = defaultContext({ ca: [args.ca], timeoutMs: 5000 });
const out: Record<string, Array<{ at: string; status: string; outcome: string; phases: Record<string, number>; durationMs: number }>> = {};
for (const [kind, uri] of Object.entries(args.uris)) {
  out[kind] = [];
  for (let i = 0; i < args.n; i++) {
    const [result] = await probe(uri, context);
    if (!result) throw new Error(`no result for ${uri}`);
    out[kind]!.push({ at: result.at, status: result.status, outcome: result.outcome, phases: { ...result.phases }, durationMs: result.durationMs });
    await new Promise((resolve) => setTimeout(resolve, args.gapMs));
  }
}
process.stdout.write(JSON.stringify(out) + "\n");
