import { mkdir } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startMesh } from "@probemesh/functions/mesh";

/**
 * The status page in Debian's chromium (driven by playwright-core, no browser
 * download) against the real local mesh with the lab: DynamoDB Local, three
 * region workers with per-region faults, the API serving the built page.
 * Desktop (1400×900) and phone (390×844) sizes; axe-core for accessibility.
 */

const REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"];
const TOKEN = "web-test-token";
const ARTIFACTS = resolve(import.meta.dirname, "..", "artifacts");
const DESKTOP = { width: 1400, height: 900 };
const PHONE = { width: 390, height: 844 };
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let mesh: Awaited<ReturnType<typeof startMesh>>;
let browser: Browser;
let page: Page;
let phone: Page;
/** What the first test saw: ms from a round's end to the page showing it. */
const updateDelays: number[] = [];

async function openPage(viewport: { width: number; height: number }): Promise<Page> {
  const p = await browser.newPage({ viewport });
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

/** Runs a round and returns how long after its end (verdicts stored) the page showed it. */
async function roundSeenBy(p: Page): Promise<number> {
  const before = await p.evaluate(() => document.body.dataset.round ?? "");
  await mesh.runRound();
  const ended = Date.now();
  await p.waitForFunction((old) => (document.body.dataset.round ?? "") !== old, before, { timeout: 10_000 });
  return Date.now() - ended;
}

/** Serious or critical axe-core violations of what is on the page now. */
async function axeViolations(p: Page): Promise<Array<{ id: string; impact: string; nodes: string[] }>> {
  await p.addScriptTag({ path: AXE });
  return p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ["violations"] });
    return violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
}

/** Whether the document scrolls sideways (wider than the viewport). */
const overflowX = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  mesh = await startMesh({ port: 0, inMemory: true, autoStart: false, apiTokens: [TOKEN] });
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  // Opened before any round ran, as a visitor right after `npm start`.
  page = await openPage(DESKTOP);
  phone = await openPage(PHONE);
  // The machine runs several suites at once: waits are for events, with room for a slow browser.
  for (const p of [page, phone]) p.setDefaultTimeout(60_000);
}, 120_000);

// A failed step must not leave the modal open over the next test.
afterEach(async () => {
  for (const p of [page, phone]) await p?.evaluate(() => document.querySelector<HTMLDialogElement>("dialog#history")?.close());
});

afterAll(async () => {
  await browser?.close();
  await mesh?.stop();
});

describe("status page against the local mesh", () => {
  // The 2 s target is measured (logged here, see the report); the test asserts the mechanism: the round
  // marker poll, not the 30 s repaint nor a reload, brings each round, the first one included.
  it("shows each finished round without a reload, from the first one on, long before the 30 s repaint", async () => {
    expect(await page.locator(".overall").getAttribute("data-health")).toBe("unknown");
    updateDelays.push(await roundSeenBy(page));
    expect(await page.locator(".overall").getAttribute("data-health")).not.toBe("unknown");
    updateDelays.push(await roundSeenBy(page));
    // Two failing rounds make the lab's faults down.
    expect(await page.locator(".cell[data-state=down]").count()).toBeGreaterThan(0);
    console.log(`page showed a finished round after ${updateDelays.join(" ms, ")} ms`);
  }, 60_000);

  it("first screen: a banner per product, every row's verdict and 24 h of bars per region with uptime, from one overview request", async () => {
    const fresh = await browser.newPage({ viewport: DESKTOP });
    fresh.setDefaultTimeout(60_000);
    const requests: string[] = [];
    fresh.on("request", (request) => requests.push(new URL(request.url()).pathname));
    await fresh.goto(mesh.url + "/");
    await fresh.waitForSelector("body[data-loaded=true][data-history]");
    const history = requests.filter((path) => path.includes("/history"));
    expect(history).toEqual([]);
    expect(requests.filter((path) => path === "/v1/overview")).toHaveLength(1);

    const overall = fresh.locator(".overall");
    expect(["reachable", "partial", "outage"]).toContain(await overall.getAttribute("data-health"));
    expect(await overall.locator("h2").textContent()).toMatch(/All reachable|Partly reachable|Outage/);
    const products = await overall.locator(".products li").evaluateAll((items) => items.map((li) => ({ product: li.getAttribute("data-product"), health: li.getAttribute("data-health"), text: li.textContent ?? "" })));
    expect(products.length).toBeGreaterThan(1);
    for (const p of products) expect(p.text).toMatch(/All reachable|Partly reachable|Outage|No verdict yet/);
    // The lab breaks something somewhere: not everything reads "All reachable".
    expect(products.some((p) => p.health !== "reachable")).toBe(true);

    expect(await fresh.locator(".regions-strip .region-name").allTextContents()).toEqual(REGIONS);
    const rows = await fresh.locator(".check-row").evaluateAll((items) =>
      items.map((row) => ({
        verdict: row.querySelector(".verdict")?.textContent ?? "",
        regions: [...row.querySelectorAll(".cell")].map((cell) => ({
          region: cell.getAttribute("data-region"),
          status: cell.getAttribute("data-status"),
          bars: cell.querySelectorAll(".uptime-bars .bar").length,
          filled: cell.querySelectorAll(".uptime-bars .bar:not(.tone-none)").length,
          uptime: cell.querySelector(".uptime-value")?.textContent ?? "",
          label: cell.querySelector(".uptime-bars")?.getAttribute("aria-label") ?? "",
          text: cell.querySelector(".cell-status")?.textContent ?? "",
        })),
      })),
    );
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.verdict).toMatch(/Up|Degraded|Down|Unknown/);
      expect(row.regions.map((r) => r.region)).toEqual(REGIONS);
      for (const cell of row.regions) {
        expect(cell.bars).toBe(24);
        if (cell.status !== "none") expect(cell.filled).toBeGreaterThan(0);
        expect(cell.uptime).toMatch(/^\d+(\.\d+)?%$|^no data$/);
        expect(cell.label).toContain("uptime over 24 h");
      }
    }
    // A failing region says so in words, and its bars and uptime show it.
    const failing = rows.flatMap((r) => r.regions).filter((c) => c.status === "fail");
    expect(failing.length).toBeGreaterThan(0);
    for (const cell of failing) expect(cell.text).toMatch(/fail/);
    expect(failing.some((c) => c.uptime !== "100%")).toBe(true);
    expect(new Set(failing.map((c) => c.region)).size).toBeGreaterThanOrEqual(2);
    expect(await overflowX(fresh)).toBeLessThanOrEqual(0);
    await fresh.screenshot({ path: resolve(ARTIFACTS, "status-desktop.png") });
    await fresh.close();
  }, 90_000);

  it("folds a product and keeps it folded across a refresh", async () => {
    const id = await page.locator("details.product").first().getAttribute("data-product");
    const product = page.locator(`details.product[data-product="${id}"]`);
    const isOpen = () => product.evaluate((d) => (d as HTMLDetailsElement).open);
    expect(await product.locator(".check-row").first().isVisible()).toBe(true);
    await product.locator("summary").click();
    try {
      await expect.poll(isOpen).toBe(false);
      expect(await product.locator(".check-row").first().isVisible()).toBe(false);
      await roundSeenBy(page);
      expect(await isOpen()).toBe(false);
    } finally {
      if (!(await isOpen())) await product.locator("summary").click();
    }
    await expect.poll(isOpen).toBe(true);
  }, 90_000);

  it("filters to the problems", async () => {
    const all = await page.locator(".check-row").count();
    await page.getByLabel("Only problems").check();
    const problems = await page.locator(".check-row").evaluateAll((rows) =>
      rows.map((row) => ({
        verdict: row.querySelector(".verdict")?.getAttribute("data-verdict"),
        statuses: [...row.querySelectorAll(".cell")].map((cell) => cell.getAttribute("data-status")),
      })),
    );
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.length).toBeLessThan(all);
    for (const row of problems) expect(row.verdict !== "up" || row.statuses.some((s) => s !== "pass")).toBe(true);
    expect(await page.locator("#filter-count").textContent()).toBe(`${problems.length} of ${all} checks`);
    await page.getByLabel("Only problems").uncheck();
    expect(await page.locator(".check-row").count()).toBe(all);
  }, 90_000);

  it("shows incidents as a timeline per product, with regions and outcomes", async () => {
    const sections = page.locator("#incidents-host .incident-product");
    expect(await sections.count()).toBeGreaterThan(0);
    const products = await sections.evaluateAll((list) => list.map((s) => s.getAttribute("data-product")));
    expect(new Set(products).size).toBe(products.length);
    const items = await page.locator("#incidents-host .incident").evaluateAll((list) =>
      list.map((li) => ({
        product: li.closest(".incident-product")?.getAttribute("data-product"),
        start: li.querySelector(".incident-start")?.textContent ?? "",
        end: li.querySelector(".incident-end")?.textContent ?? "",
        regions: li.querySelector(".incident-regions")?.textContent ?? "",
        outcomes: li.querySelector(".incident-outcomes")?.textContent ?? "",
        check: li.querySelector(".incident-check button")?.textContent ?? "",
      })),
    );
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      expect(item.start).toMatch(/\d{2}:\d{2}:\d{2}/);
      expect(item.end).toMatch(/ongoing|\d{2}:\d{2}:\d{2}/);
      expect(item.regions.split(", ").every((r) => REGIONS.includes(r))).toBe(true);
      expect(item.outcomes).toMatch(/×\d+/);
      expect(item.check.length).toBeGreaterThan(0);
    }
    // Each product's track marks its incidents on the 7-day line.
    const marks = await sections.first().locator(".track .mark").count();
    expect(marks).toBe(await sections.first().locator(".incident").count());
  });

  it("opens a check's history with the keyboard: uptime bars, latency chart, Escape closes", async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    let onRow = false;
    for (let presses = 0; presses < 40 && !onRow; presses++) {
      await page.keyboard.press("Tab");
      onRow = await page.evaluate(() => document.activeElement?.closest(".check-row") !== null && document.activeElement?.classList.contains("check-open") === true);
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
    for (const region of REGIONS) {
      const recent = (await page.locator(`.uptime-row[data-region="${region}"] .bar`).evaluateAll((bars) => bars.slice(-2).map((b) => b.className))).join(" ");
      expect(recent).toMatch(/tone-(pass|fail|partial|inconclusive)/);
    }
    await page.getByRole("radio", { name: "7 d" }).check();
    await page.waitForSelector("#history-status:has-text('7 d of history')");
    expect(await page.locator('.uptime-row[data-region="us-east-1"] .bar').count()).toBeGreaterThanOrEqual(168);

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.checkId)).toBe(checkId);
  }, 90_000);

  it("shows a failing check's fault and incident in its history", async () => {
    const downCell = ".cell[data-status=fail][data-state=down]";
    const failingRow = page.locator(".check-row", { has: page.locator(downCell) }).first();
    const region = await failingRow.locator(downCell).first().getAttribute("data-region");
    await failingRow.locator("button.check-open").click();
    await page.waitForSelector("#history-status:has-text('rollups')");
    const recent = await page.locator(`.uptime-row[data-region="${region}"] .bar`).evaluateAll((bars) => bars.slice(-2).map((b) => b.className));
    expect(recent.join(" ")).toMatch(/tone-(fail|partial)/);
    expect(await page.locator(`.uptime-row[data-region="${region}"] .uptime-value`).textContent()).not.toBe("100%");
    const incident = page.locator("#history-incidents .incident").first();
    expect(await incident.locator(".incident-regions").textContent()).toContain(region!);
    await page.locator("dialog#history button[aria-label='Close history']").click();
    await page.locator("dialog#history").waitFor({ state: "hidden" });
  }, 90_000);

  it("runs an on-demand probe and shows each region's results as readable fields", async () => {
    const targets = await page.locator(".check-row .check-meta code").allTextContents();
    const target = targets.find((t) => t.startsWith("tls://")) ?? targets[0]!;

    await page.getByLabel("Targets").fill(target);
    await page.getByRole("button", { name: "Run probe" }).click();
    expect(await page.locator("#probe-error").textContent()).toMatch(/npm start prints a lab token/);
    await page.getByLabel("API token").fill("not-the-token");
    await page.getByRole("button", { name: "Run probe" }).click();
    await expect.poll(() => page.locator("#probe-error").textContent()).toMatch(/\(401\)/);

    await page.getByLabel("API token").fill(TOKEN);
    await page.getByRole("button", { name: "Run probe" }).click();
    await page.waitForSelector(".probe-state:has-text('Every region has answered')", { timeout: 30_000 });
    const rows = await page.locator(".probe-results > li").evaluateAll((items) =>
      items.map((li) => ({
        region: li.getAttribute("data-region"),
        text: li.textContent ?? "",
        fields: [...li.querySelectorAll("dl.facts dt")].map((dt) => dt.textContent ?? ""),
      })),
    );
    expect(new Set(rows.map((r) => r.region))).toEqual(new Set(REGIONS));
    for (const row of rows) {
      expect(row.text).toContain(target);
      expect(row.text).not.toMatch(/[{}]|":/);
      if (target.startsWith("tls://") && /pass/.test(row.text)) expect(row.fields).toEqual(expect.arrayContaining(["TLS", "Cipher", "Certificate for", "Valid until"]));
    }
    expect(await page.locator("#probe-error").textContent()).toBe("");
    await page.locator("#probe-heading").scrollIntoViewIfNeeded();
    await page.screenshot({ path: resolve(ARTIFACTS, "probe.png") });
  });

  it("on a phone: no sideways scrolling, every row's verdict on screen, the dialog on screen", async () => {
    await roundSeenBy(phone);
    expect(await overflowX(phone)).toBeLessThanOrEqual(0);
    // Measured once the round's history has been painted too (the page paints verdicts first, then the bars).
    await phone.waitForFunction(() => document.body.dataset.history === document.body.dataset.round);
    const verdicts = await phone.evaluate(() =>
      [...document.querySelectorAll(".check-row .verdict")].map((b) => {
        const box = b.getBoundingClientRect();
        const product = b.closest("details");
        return { left: box.left, right: box.right, width: box.width, text: b.textContent ?? "", product: product?.getAttribute("data-product"), open: (product as HTMLDetailsElement | null)?.open };
      }),
    );
    expect(verdicts.length).toBeGreaterThan(3);
    for (const v of verdicts) {
      expect(v, JSON.stringify(v)).toMatchObject({ open: true });
      expect(v.width, JSON.stringify(v)).toBeGreaterThan(0);
      expect(v.left).toBeGreaterThanOrEqual(0);
      expect(v.right).toBeLessThanOrEqual(PHONE.width);
      expect(v.text).toMatch(/Up|Degraded|Down|Unknown/);
    }
    // Every region's status and bars fit the screen too.
    const cells = await phone.evaluate(() => [...document.querySelectorAll(".check-row .cell")].map((c) => c.getBoundingClientRect().right));
    expect(Math.max(...cells)).toBeLessThanOrEqual(PHONE.width);
    await phone.screenshot({ path: resolve(ARTIFACTS, "status-phone.png") });

    await phone.locator(".check-row button.check-open").filter({ visible: true }).first().click();
    await phone.waitForSelector("#history-status:has-text('rollups')");
    await phone.getByRole("radio", { name: "7 d" }).check();
    await phone.waitForSelector("#history-status:has-text('7 d of history')");
    const box = await phone.locator("dialog#history").boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE.width);
    expect(box!.y + box!.height).toBeLessThanOrEqual(PHONE.height);
    const inside = await phone.evaluate(() => {
      const dialog = document.querySelector("dialog#history")!;
      return dialog.scrollWidth - dialog.clientWidth;
    });
    expect(inside).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: resolve(ARTIFACTS, "history-phone.png") });
    await phone.keyboard.press("Escape");

    await phone.locator("#incidents-heading").scrollIntoViewIfNeeded();
    expect(await overflowX(phone)).toBeLessThanOrEqual(0);
  }, 90_000);

  it("has no serious or critical axe-core violations at either size, nor with the history dialog open", async () => {
    for (const p of [page, phone]) {
      expect(await axeViolations(p)).toEqual([]);
      await p.locator(".check-row button.check-open").filter({ visible: true }).first().click();
      await p.waitForSelector("#history-status:has-text('rollups')");
      expect(await axeViolations(p)).toEqual([]);
      await p.keyboard.press("Escape");
    }
  }, 120_000);

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
      expect(await lonely.locator(".check-row").count()).toBe(0);
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
    const p = await openPage(DESKTOP);
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
      const texts = [...document.querySelectorAll("[class*='tone-']:not(.bar), [class*='text-']")].flatMap((el) => [el, ...el.querySelectorAll("*")]);
      return texts
        .filter((el) => (el.textContent ?? "").trim() !== "")
        .map((el) => {
          const fg = luminance(rgb(getComputedStyle(el).color));
          const bg = luminance(background(el));
          const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
          const tone = (el.closest("[class*='tone-'], [class*='text-']")?.className.match(/(tone|text)-\w+/) ?? [""])[0];
          return { tone, ratio, text: (el.textContent ?? "").trim().slice(0, 40) };
        });
    });
    const tones = new Set(ratios.map((r) => r.tone));
    for (const tone of ["tone-pass", "tone-fail", "text-pass", "text-fail"]) expect(tones).toContain(tone);
    expect(ratios.filter((r) => r.ratio < 4.5)).toEqual([]);
  });
});
