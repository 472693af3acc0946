export * from "./result/index.js";
export * from "./check/index.js";
export * from "./catalog/index.js";
export * from "./profile/index.js";
export * from "./plan/index.js";
export * from "./import/index.js";
export * from "./diff/index.js";
