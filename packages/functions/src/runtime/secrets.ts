/**
 * The secrets the profile's alert destinations name, read at run time: PROBEMESH_SECRET_<NAME>
 * (settings, locally) first, else the `sst.Secret` of that name linked to the function (on AWS the
 * value comes from SST's encrypted resource file through `Resource`, never from plaintext environment).
 */
export async function readSecrets(names: readonly string[], fromSettings: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const secrets: Record<string, string> = { ...fromSettings };
  const missing = names.filter((name) => secrets[name] === undefined);
  // Outside SST (npm start, tests) there is no resource file to read.
  if (missing.length === 0 || !(process.env.SST_KEY_FILE || Object.keys(process.env).some((key) => key.startsWith("SST_RESOURCE_")))) return secrets;
  const { Resource } = await import("sst/resource");
  for (const name of missing) {
    try {
      const value = (Resource as unknown as Record<string, { value?: unknown }>)[name]?.value;
      if (typeof value === "string" && value !== "") secrets[name] = value;
    } catch {
      // Not linked to this function: the destination is reported as not configured.
    }
  }
  return secrets;
}
