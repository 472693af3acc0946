/**
 * Sizes of the scheduled Lambda functions: infra/ deploys these and the cost estimate prices
 * them, so the two cannot drift. Plain data, no imports (infra's type check copies this folder).
 */
export const FUNCTION_SIZES = {
  /** I/O-bound: 512 MB (about a third of a vCPU) covers ~100 concurrent TLS handshakes. */
  /** maxChecks: the scheduler's cap on one invocation's plan (about 600 KB of payload, far below Lambda's 6 MB). */
  probe: { memoryMb: 512, timeoutS: 55, maxChecks: 2000 },
  /** It mostly waits for the regions' RequestResponse invocations (round deadline ≤ 50 s). */
  scheduler: { memoryMb: 256, timeoutS: 58 },
} as const;

/** Graviton: about 20 % cheaper per GB-second; the bundles are pure JavaScript, so they load there. */
export const DEFAULT_ARCHITECTURE = "arm64" as const;

/** Architectures a function may be deployed on (PROBEMESH_LAMBDA_ARCH). */
export const ARCHITECTURES = ["arm64", "x86_64"] as const;
