import { readSettings } from "./settings.js";

/** The deploy settings of this `sst deploy` run (see infra/settings.ts for the variables). */
export const settings = readSettings(process.env);
