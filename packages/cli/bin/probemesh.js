#!/usr/bin/env node
// Runs the TypeScript sources directly so `npx probemesh` works right after `npm ci`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../src/index.ts");
process.exitCode = await main(process.argv.slice(2));
