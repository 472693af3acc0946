import { defineConfig } from "vitest/config";
import LongRunningFirst from "./test/setup/sequencer.js";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", "bench/**"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two files at a time. vitest's default on this 2-CPU machine is one (CPUs - 1), but most of
    // the slow files wait on child processes, timers and sockets rather than on the CPU, so two
    // overlap well. The suites are parallel-safe: free ports (port 0), a table per test in the
    // shared DynamoDB Local, pid-named namespaces on random free /24s, a scratch dir per mesh.
    maxWorkers: 2,
    sequence: { sequencer: LongRunningFirst },
    // The SDK's notice that it will drop Node 20 in 2027 would repeat in every test process.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    globalSetup: ["test/setup/dynamodb.ts"],
  },
});
