import { describe, expect, it } from "vitest";
import { parseTargetCached } from "../target/index.js";
import { probe, withExpectation } from "./index.js";
import { tcpListener } from "./test-servers/index.js";

describe("withExpectation", () => {
  const blocked = parseTargetCached("tcp://10.0.0.1:22?expect=blocked");
  const plain = parseTargetCached("tcp://10.0.0.1:22");

  it("overrides the URI's own expectation without touching the shared parsed target", () => {
    expect(withExpectation(plain, "blocked")).toEqual({ kind: "tcp", host: "10.0.0.1", port: 22, expect: "blocked" });
    expect(withExpectation(blocked, "reachable")).toEqual({ kind: "tcp", host: "10.0.0.1", port: 22 });
    expect(plain).toEqual({ kind: "tcp", host: "10.0.0.1", port: 22 });
    expect(blocked.expect).toBe("blocked");
  });

  it("keeps the target itself when there is nothing to change", () => {
    expect(withExpectation(plain, undefined)).toBe(plain);
    expect(withExpectation(plain, "reachable")).toBe(plain);
    expect(withExpectation(blocked, "blocked")).toBe(blocked);
  });
});

describe("probe", () => {
  it("answers a malformed URI with an invalid_target result rather than throwing", async () => {
    const [result] = await probe("tcp://no-port.lab.test", { region: "r", checkId: "c" });
    expect(result).toMatchObject({ status: "fail", outcome: "invalid_target", kind: "tcp", region: "r", checkId: "c" });
    expect(String(result!.detail!.error)).toMatch(/needs a port/);
  });

  it("gives the same result for the same URI probed twice (the parsed target is reused, not changed)", async () => {
    const listener = await tcpListener();
    try {
      const uri = `tcp://127.0.0.1:${listener.port}?expect=blocked`;
      const [asBlocked] = await probe(uri, { region: "r" });
      const [asReachable] = await probe(uri, { region: "r" }, { expect: "reachable" });
      const [again] = await probe(uri, { region: "r" });
      expect([asBlocked!.status, asReachable!.status, again!.status]).toEqual(["fail", "pass", "fail"]);
      expect([asBlocked!.expect, asReachable!.expect, again!.expect]).toEqual(["blocked", undefined, "blocked"]);
    } finally {
      await listener.close();
    }
  });
});
