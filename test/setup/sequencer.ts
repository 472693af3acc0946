import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * The files that wait for minutes (a store outage held open over two minutes, a browser, meshes
 * started and killed as child processes), longest first. With two files at a time the run lasts
 * at least as long as its longest file, so these must start at once; vitest alone orders a fresh
 * checkout (no duration cache, as in CI) by file size, which started the 141 s outage test 392 s
 * into the run.
 */
const LONG_RUNNING = [
  "test/durability/store-outage.test.ts",
  "test/web/status-page.test.ts",
  "test/mesh/main.test.ts",
  "test/mesh/lab-picture.test.ts",
  "test/agent/netns.test.ts",
  "test/agent/agent.test.ts",
];

/** vitest's own order (failed first, then longest by its cache, else largest), after the long-running files. */
export default class LongRunningFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (spec: TestSpecification) => {
      const index = LONG_RUNNING.findIndex((path) => spec.moduleId.endsWith(`/${path}`));
      return index === -1 ? LONG_RUNNING.length : index;
    };
    // Array.prototype.sort is stable: every other file keeps vitest's order.
    return sorted.sort((a, b) => rank(a) - rank(b));
  }
}
