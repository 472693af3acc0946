/**
 * `npm start`: the local mesh on http://127.0.0.1:8787.
 * Ctrl-C / SIGTERM stop everything, DynamoDB Local's java included.
 */
import { setMaxListeners } from "node:events";
import { ConfigError, loadSettings } from "../config/index.js";
import { startMesh, type Mesh } from "./index.js";

const started = Date.now();
// One round shares one abort signal across every probe in flight (32 checks, up to 200 ports of a
// range scan each): hundreds of listeners on it are expected here, not a leak.
setMaxListeners(1024);
const log = (line: string) => console.log(`[mesh] ${line}`);

async function main(): Promise<void> {
  let config;
  try {
    config = loadSettings();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`probemesh: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  let mesh: Mesh | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: stopping…`);
    await mesh?.stop();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  let firstRound = true;
  // The mesh reads the same settings from the same environment as the Lambda handlers do.
  mesh = await startMesh({
    log: (line) => {
      log(line);
      if (firstRound && line.startsWith("round ")) {
        firstRound = false;
        log(`first regional picture ${((Date.now() - started) / 1000).toFixed(1)} s after start`);
      }
    },
  });
  if (stopping) return;
  log(`${config.profilePath ? `profile ${config.profilePath}` : "lab profile"}: ${mesh.checks.length} checks × ${mesh.regions.length} regions every ${config.intervalS} s`);
  log(`regions: ${mesh.regions.map((region) => `${region} → ${mesh!.workers[region]}`).join(", ")}`);
  log(`DynamoDB Local ${mesh.dynamoEndpoint} (data in ${config.dataDir})`);
  if (mesh.labToken) log(`on-demand probe token: ${mesh.labToken}  (lab only, new each start; paste it into the page's API token field, or set PROBEMESH_API_TOKENS to choose your own)`);
  log(`status page and API on ${mesh.url}  (Ctrl-C stops everything)`);
}

main().catch((error) => {
  console.error(`probemesh: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
