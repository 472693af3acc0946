import { mkdir } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMesh } from "@probemesh/functions/mesh";

/**
 * The status page in Debian's chromium (driven by playwright-core, no browser
 * download) against the real local mesh with the lab: DynamoDB Local, three
 * region workers with per-region faults, the Hono API serving the built page.
 */

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const TOKEN = "web-test-token";
const ARTIFACTS = resolve(import.meta.dirname, "..", "artifacts");

let mesh: Awaited<ReturnType<typeof startMesh>>;
let browser: Browser;
let page: Page;

async function openPage(): Promise<Page> {
  const p = await browser.newPage({ viewport: { width: 1360, height: 900 } });
  const problems: string[] = [];
  p.on("pageerror", (err) => problems.push(err.message));
  p.on("console", (msg) => {
    if (msg.type() === "error") problems.push(msg.text());
  });
  await p.goto(mesh.url + "/");
  await p.waitForSelector("body[data-loaded=true]", { timeout: 15_000 });
  expect(problems).toEqual([]);
  return p;
}

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  mesh = await startMesh({ port: 0, inMemory: true, autoStart: false, apiTokens: [TOKEN] });
  await mesh.runRound();
  await mesh.runRound();
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  page = await openPage();
}, 120_000);

// A failed step must not leave the modal open over the next test.
afterEach(async () => {
  await page?.evaluate(() => document.querySelector<HTMLDialogElement>("dialog#history")?.close());
});

afterAll(async () => {
  await browser?.close();
  await mesh?.stop();
});

describe("status page against the local mesh", () => {
  it("shows the three regions and the lab's per-region faults in text, not colour alone", async () => {
    const headers = await page.locator("thead th.region-col .region-name").allTextContents();
    expect(headers).toEqual(REGIONS);
    expect(await page.locator("tr.check-row").count()).toBeGreaterThan(3);

    const failing = await page.locator("td.cell[data-status=fail]").evaluateAll((cells) =>
      cells.map((c) => ({ region: c.getAttribute("data-region"), text: c.textContent ?? "" })),
    );
    expect(failing.length).toBeGreaterThan(0);
    for (const cell of failing) expect(cell.text).toMatch(/fail/);
    // The lab breaks different things in different regions.
    expect(new Set(failing.map((c) => c.region)).size).toBeGreaterThanOrEqual(2);
    expect(await page.locator("td.cell[data-status=pass]").count()).toBeGreaterThan(0);
    const verdicts = await page.locator("td.verdict-col .verdict").allTextContents();
    expect(verdicts.some((v) => /Degraded|Down/.test(v))).toBe(true);
    // Two failing rounds open incidents: start, end (ongoing), regions affected.
    const incidents = await page.locator("#incidents-host table.incidents tbody tr").evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((td) => td.textContent ?? "")),
    );
    expect(incidents.length).toBeGreaterThan(0);
    for (const [, started, ended, , , regions] of incidents) {
      expect(started).toMatch(/\d{2}:\d{2}:\d{2}/);
      expect(ended).toMatch(/ongoing|\d{2}:\d{2}:\d{2}/);
      expect(regions!.split(", ").every((r) => REGIONS.includes(r))).toBe(true);
    }
    await page.screenshot({ path: resolve(ARTIFACTS, "status.png") });

    // "Only problems" narrows the matrix to the checks a region is failing (or cannot judge).
    const all = await page.locator("tr.check-row").count();
    await page.getByLabel("Only problems").check();
    const problems = await page.locator("tr.check-row").evaluateAll((rows) =>
      rows.map((row) => ({
        verdict: row.querySelector(".verdict")?.getAttribute("data-verdict"),
        statuses: [...row.querySelectorAll("td.cell")].map((cell) => cell.getAttribute("data-status")),
      })),
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.length).toBeLessThan(all);
    for (const row of problems) expect(row.verdict !== "up" || row.statuses.some((s) => s !== "pass")).toBe(true);
    expect(await page.locator("#filter-count").textContent()).toBe(`${problems.length} of ${all} checks`);
    await page.screenshot({ path: resolve(ARTIFACTS, "status-problems.png") });
    await page.getByLabel("Only problems").uncheck();
    expect(await page.locator("tr.check-row").count()).toBe(all);
  });

  it("opens a check's history with the keyboard: uptime bars, latency chart, Escape closes", async () => {
    // Tab from the top of the page until a requirement row has focus.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let onRow = false;
    for (let presses = 0; presses < 30 && !onRow; presses++) {
      await page.keyboard.press("Tab");
      onRow = await page.evaluate(() => document.activeElement?.closest("tr.check-row") !== null);
    }
    expect(onRow).toBe(true);
    const checkId = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.checkId);
    expect(checkId).toBeTruthy();

    await page.keyboard.press("Enter");
    const dialog = page.locator("dialog#history");
    await dialog.waitFor({ state: "visible" });
    await page.waitForSelector("#history-chart canvas");
    await page.waitForSelector("#history-status:has-text('rollups')");
    const canvas = await page.locator("#history-chart canvas").boundingBox();
    expect(canvas?.width).toBeGreaterThan(100);
    expect(canvas?.height).toBeGreaterThan(100);
    expect(await page.locator(".uptime-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-region")))).toEqual(REGIONS);
    // Two rounds just ran: the latest hour (or the one before, right after the hour turned) holds data in every region.
    for (const region of REGIONS) {
      const recent = (await page.locator(`.uptime-row[data-region="${region}"] .bar`).evaluateAll((bars) => bars.slice(-2).map((b) => b.className))).join(" ");
      expect(recent).toMatch(/tone-(pass|fail|partial|inconclusive)/);
    }
    await page.screenshot({ path: resolve(ARTIFACTS, "history.png") });

    await page.getByRole("radio", { name: "7 d" }).check();
    await page.waitForSelector("#history-status:has-text('7 d of history')");
    expect(await page.locator('.uptime-row[data-region="us-east-1"] .bar').count()).toBeGreaterThanOrEqual(168);

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.checkId)).toBe(checkId);
  });

  it("shows a failing check's fault in its history", async () => {
    // A region that failed both rounds is down, and its incident is open.
    const downCell = "td.cell[data-status=fail][data-state=down]";
    const failingRow = page.locator("tr.check-row", { has: page.locator(downCell) }).first();
    const region = await failingRow.locator(downCell).first().getAttribute("data-region");
    await failingRow.locator("button.check-open").click();
    await page.waitForSelector("#history-status:has-text('rollups')");
    const recent = await page.locator(`.uptime-row[data-region="${region}"] .bar`).evaluateAll((bars) => bars.slice(-2).map((b) => b.className));
    expect(recent.join(" ")).toMatch(/tone-(fail|partial)/);
    expect(await page.locator(`.uptime-row[data-region="${region}"] .uptime-value`).textContent()).not.toBe("100%");
    const incident = page.locator("#history-incidents table.incidents tbody tr").first();
    expect(await incident.textContent()).toContain(region!);
    await page.locator("dialog#history button[aria-label='Close history']").click();
    await page.locator("dialog#history").waitFor({ state: "hidden" });
  });

  it("runs an on-demand probe and shows each region's results as they arrive", async () => {
    const target = await page.locator("tr.check-row code").first().textContent();
    expect(target).toBeTruthy();

    await page.getByLabel("Targets").fill(target!);
    await page.getByLabel("API token").fill("not-the-token");
    await page.getByRole("button", { name: "Run probe" }).click();
    await expect.poll(() => page.locator("#probe-error").textContent()).toMatch(/\(401\)/);

    await page.getByLabel("API token").fill(TOKEN);
    await page.getByRole("button", { name: "Run probe" }).click();
    await page.waitForSelector(".probe-state:has-text('Every region has answered')", { timeout: 30_000 });
    const rows = await page.locator(".probe-results tbody tr").evaluateAll((trs) =>
      trs.map((tr) => ({ region: tr.getAttribute("data-region"), status: tr.getAttribute("data-status"), text: tr.textContent ?? "" })),
    );
    expect(new Set(rows.map((r) => r.region))).toEqual(new Set(REGIONS));
    for (const row of rows) expect(row.text).toContain(target!);
    expect(await page.locator("#probe-error").textContent()).toBe("");
    await page.locator("#probe-heading").scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(ARTIFACTS, "probe.png") });
  });

  it("takes the API base from ?api= and says plainly when that API cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((done) => closed.listen(0, "127.0.0.1", done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((done) => closed.close(() => done()));

    const lonely = await browser.newPage();
    try {
      await lonely.goto(`${mesh.url}/?api=${encodeURIComponent(`http://127.0.0.1:${port}`)}`);
      const banner = lonely.getByRole("alert").filter({ hasText: "did not answer" });
      await banner.waitFor();
      expect(await banner.textContent()).toContain(`http://127.0.0.1:${port}`);
      expect(await lonely.locator("tr.check-row").count()).toBe(0);
    } finally {
      await lonely.close();
    }
  });

  it("shows one notice per product whose watched vendor page changed", async () => {
    const at = new Date().toISOString();
    const base = { url: "https://docs.example.com/network.md", checkedAt: at, fingerprint: "", added: [], removed: [], modified: [] };
    await mesh.runtime.store.recordDrift({ ...base, product: "strongdm", changed: false });
    await mesh.runtime.store.recordDrift({
      ...base,
      product: "kong-konnect",
      changed: true,
      fingerprint: "f1",
      added: [{ id: "hostnames.events-konghq-com", component: "hostnames", summary: "tls events.konghq.com:443 egress (required)" }],
    });
    const p = await openPage();
    await p.waitForSelector(".drift-notice");
    const notices = await p.locator(".drift-notice").allTextContents();
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/^The kong-konnect requirements page changed \(1 added, 0 removed, 0 modified; checked .* UTC\) vendor page\+ tls events\.konghq\.com:443 egress \(required\)$/);
    await p.close();
  });

  it("labels every form control and keeps status colours at 4.5:1 contrast or more", async () => {
    await page.getByRole("button", { name: "Run probe" }).waitFor();
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>("input, select, textarea")]
        .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
        .map((el) => el.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    const unnamedButtons = await page.evaluate(() =>
      [...document.querySelectorAll("button")].filter((b) => !(b.getAttribute("aria-label") || b.textContent?.trim())).map((b) => b.outerHTML),
    );
    expect(unnamedButtons).toEqual([]);

    const ratios = await page.evaluate(() => {
      const rgb = (css: string): number[] => (css.match(/[\d.]+/g) ?? []).map(Number);
      const luminance = ([r, g, b]: number[]) => {
        const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
        return 0.2126 * lin(r!) + 0.7152 * lin(g!) + 0.0722 * lin(b!);
      };
      const background = (el: Element | null): number[] => {
        for (; el; el = el.parentElement) {
          const [r = 0, g = 0, b = 0, a = 1] = rgb(getComputedStyle(el).backgroundColor);
          if (a > 0) return [r, g, b];
        }
        return [255, 255, 255];
      };
      const texts = [...document.querySelectorAll("[class*='tone-']:not(.bar)")].flatMap((el) => [el, ...el.querySelectorAll("*")]);
      return texts
        .filter((el) => (el.textContent ?? "").trim() !== "")
        .map((el) => {
          const fg = luminance(rgb(getComputedStyle(el).color));
          const bg = luminance(background(el));
          const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
          const tone = (el.closest("[class*='tone-']")?.className.match(/tone-\w+/) ?? [""])[0];
          return { tone, ratio, text: (el.textContent ?? "").trim().slice(0, 40) };
        });
    });
    const tones = new Set(ratios.map((r) => r.tone));
    for (const tone of ["tone-pass", "tone-fail"]) expect(tones).toContain(tone);
    expect(ratios.filter((r) => r.ratio < 4.5)).toEqual([]);
  });
});
