/**
 * @probemesh/web — the status page. Node-side entry: build the page; the browser
 * code lives in ./app and is bundled by {@link buildWeb}.
 */
export { buildWeb, DEFAULT_WEB_DIST, type BuildWebOptions } from "./build/index.js";
