import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The schema the Jenkins xunit plugin (junit-10.xsd) holds reports to, restated for xmllint. */
export const JENKINS_JUNIT_XSD = fileURLToPath(new URL("./jenkins-junit-10.xsd", import.meta.url));

/**
 * Validates a JUnit report with `xmllint --schema` (Debian package libxml2-utils; CI installs it):
 * `{ valid, errors }`, the errors being xmllint's own lines. For tests; the CLI never shells out.
 */
export async function validateJUnit(xml: string): Promise<{ valid: boolean; errors: string }> {
  const dir = await mkdtemp(join(tmpdir(), "probemesh-junit-"));
  try {
    const file = join(dir, "report.xml");
    await writeFile(file, xml);
    return await new Promise((resolve, reject) => {
      execFile("xmllint", ["--noout", "--schema", JENKINS_JUNIT_XSD, file], (error, _stdout, stderr) => {
        if (error && (error as NodeJS.ErrnoException).code === "ENOENT") reject(new Error("xmllint not found: install libxml2-utils"));
        else resolve({ valid: !error, errors: stderr.trim() });
      });
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
