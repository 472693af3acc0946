/**
 * Remakes the README's status-page picture (docs/screenshots/status.png): the local mesh in memory
 * against the lab, three rounds, the page in Debian's chromium with "Only problems" ticked.
 * Run with `npm run screenshot`; needs /usr/bin/chromium and Java, sends packets only to loopback.
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startMesh } from "@probemesh/functions/mesh";

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "docs", "screenshots", "status.png");
const ROUNDS = 3;

const mesh = await startMesh({ port: 0, inMemory: true, autoStart: false });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (let round = 0; round < ROUNDS; round++) await mesh.runRound();
  const page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  await page.goto(mesh.url + "/");
  await page.waitForSelector("body[data-loaded=true]", { timeout: 15_000 });
  await page.getByLabel("Only problems").check();
  await mkdir(dirname(OUT), { recursive: true });
  await page.screenshot({ path: OUT });
  process.stdout.write(`wrote ${OUT} after ${ROUNDS} lab rounds\n`);
} finally {
  await browser.close();
  await mesh.stop();
}
