/**
 * Footprint of the probe Lambda: bundle size (esbuild, minified, node20), cold import time
 * in a fresh process, and memory for a 10k-check plan
 * whose checks have 10k distinct targets (so each is its own probe). Baselines are measured in the same run:
 * a handler that only sets up the DynamoDB document client (what any Lambda writing results
 * pays), an empty module, and the same process before the plan runs.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { repoRoot } from "./lib/child.js";
import { median, type Row, type Section } from "./lib/report.js";
import { withWork } from "./lib/work.js";

const HANDLER = join(repoRoot, "packages/functions/src/handlers/probe.ts");
const SDK_ONLY = `import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
export const handler = async (event) => db.send(new BatchWriteCommand({ RequestItems: event }));
`;

async function bundle(entry: string, outfile: string, external: string[] = []): Promise<{ bytes: number; gzip: number }> {
  const out = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    platform: "node",
    target: "node20",
    format: "esm",
    external,
    nodePaths: [join(repoRoot, "node_modules")],
    write: false,
    logLevel: "silent",
    // esm bundles of CJS deps need a require() in scope.
    banner: { js: "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);" },
  });
  const file = out.outputFiles[0]!;
  writeFileSync(outfile, file.contents);
  return { bytes: file.contents.byteLength, gzip: gzipSync(file.contents).byteLength };
}

/** Milliseconds a fresh `node` spends in `import(file)`, median over `runs` processes. */
function coldImportMs(file: string, runs: number): number {
  const script = `const t=performance.now();await import(${JSON.stringify(file)});process.stdout.write(String(performance.now()-t))`;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    samples.push(Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })));
  }
  return median(samples);
}

export const footprint: Section = async ({ quick, log }) => {
  const rows: Row[] = [];
  const skipped: string[] = [];
  const raw: Record<string, unknown> = {};
  const dir = mkdtempSync(join(tmpdir(), "pm-bench-footprint-"));
  const section = "footprint";
  try {
    const runs = quick ? 5 : 15;
    const empty = join(dir, "empty.mjs");
    writeFileSync(empty, "export {};\n");
    const sdkEntry = join(dir, "sdk-only.mjs");
    writeFileSync(sdkEntry, SDK_ONLY);
    const sdkOut = join(dir, "sdk-only.bundle.mjs");
    const sdk = await bundle(sdkEntry, sdkOut);
    raw.sdkOnly = sdk;
    const emptyMs = coldImportMs(empty, runs);
    const sdkMs = coldImportMs(sdkOut, runs);
    raw.coldImport = { emptyMs, sdkMs, runs };
    if (!existsSync(HANDLER)) {
      skipped.push(`probe handler bundle/import: ${HANDLER} does not exist yet`);
    } else {
      const out = join(dir, "probe.bundle.mjs");
      const probe = await bundle(HANDLER, out);
      const probeNoSdk = await bundle(HANDLER, join(dir, "probe.nosdk.mjs"), ["@aws-sdk/*"]);
      raw.probe = { ...probe, withoutSdk: probeNoSdk };
      log(`probe handler bundle ${probe.bytes} B (gzip ${probe.gzip} B); SDK-only handler ${sdk.bytes} B`);
      rows.push({ section, metric: "probe handler bundle (min)", value: probe.bytes / 1024, unit: "KiB", baseline: "DynamoDB-client-only handler", baselineValue: sdk.bytes / 1024, ratio: probe.bytes / sdk.bytes, note: `gzip ${(probe.gzip / 1024).toFixed(0)} KiB; ${(probeNoSdk.bytes / 1024).toFixed(0)} KiB with @aws-sdk external` });
      const probeMs = coldImportMs(out, runs);
      raw.coldImport = { emptyMs, sdkMs, probeMs, runs };
      rows.push({ section, metric: `cold import (median of ${runs})`, value: probeMs, unit: "ms", baseline: "empty module", baselineValue: emptyMs, ratio: probeMs / emptyMs, note: `DynamoDB-client-only handler: ${sdkMs.toFixed(1)} ms` });
    }
    const memory = await import("./lib/memory.js").then((m) => m.measurePlanMemory(quick ? 2_000 : 10_000));
    if (typeof memory === "string") skipped.push(`plan memory: ${memory}`);
    else {
      raw.memory = memory;
      const row: Row = { section, metric: `peak RSS, ${memory.checks} checks`, value: memory.peakRssMb, unit: "MiB", baseline: "same process before the plan", baselineValue: memory.baselineRssMb, ratio: memory.peakRssMb / memory.baselineRssMb, note: `${memory.distinctTargets} distinct targets, one listener each (a probe counts once per listener reached; ${memory.probesExecuted} connections accepted), ${memory.passed} passed; heap +${memory.heapDeltaMb.toFixed(1)} MiB retained with all results; ${memory.seconds.toFixed(1)} s` };
      rows.push(withWork(row, { checksPlanned: memory.checks, probesExecuted: memory.targetsHit }));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { section, rows, skipped, raw };
};
