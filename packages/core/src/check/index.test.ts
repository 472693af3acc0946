import { describe, expect, it } from "vitest";
import { checkIdOf } from "./index.js";

describe("checkIdOf", () => {
  it("is stable and URL-safe", () => {
    const id = checkIdOf("kong-konnect", "cp0", "tls://dp1.eu.cp0.lab.example:443");
    expect(id).toBe(checkIdOf("kong-konnect", "cp0", "tls://dp1.eu.cp0.lab.example:443"));
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
  });
  it("separates parts so ('ab','c') differs from ('a','bc')", () => {
    expect(checkIdOf("ab", "c")).not.toBe(checkIdOf("a", "bc"));
  });
});
