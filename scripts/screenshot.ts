/**
 * Remakes the README's status-page pictures: the local mesh in memory against the lab, three rounds,
 * the page in Debian's chromium at a desktop size (docs/screenshots/status-desktop.png, 1400×900)
 * and a phone size (docs/screenshots/status-phone.png, 390×844), first screen as a visitor sees it.
 * Run with `npm run screenshot`; needs /usr/bin/chromium and Java, sends packets only to loopback.
 */
import { mkdir } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { startMesh } from "@probemesh/functions/mesh";

const DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..", "docs", "screenshots");
const ROUNDS = 3;
const SIZES = [
  { name: "status-desktop.png", viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 },
  { name: "status-phone.png", viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 },
];

const mesh = await startMesh({ port: 0, inMemory: true, autoStart: false });
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
try {
  for (let round = 0; round < ROUNDS; round++) await mesh.runRound();
  await mkdir(DIR, { recursive: true });
  for (const size of SIZES) {
    const page = await browser.newPage({ viewport: size.viewport, deviceScaleFactor: size.deviceScaleFactor });
    await page.goto(mesh.url + "/");
    await page.waitForSelector("body[data-loaded=true][data-history] .uptime-bars .bar", { timeout: 15_000 });
    const out = resolve(DIR, size.name);
    await page.screenshot({ path: out });
    await page.close();
    process.stdout.write(`wrote ${out} (${size.viewport.width}×${size.viewport.height}) after ${ROUNDS} lab rounds\n`);
  }
} finally {
  await browser.close();
  await mesh.stop();
}
