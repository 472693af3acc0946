/** The reviewed overrides of the built-in catalogs, bundled (a Lambda has no seed or overrides directory). */
import auth0PrivateCloud from "../catalog/overrides/auth0-private-cloud.json" with { type: "json" };
import auth0Appliance from "../catalog/overrides/auth0-appliance.json" with { type: "json" };
import strongdm from "../catalog/overrides/strongdm.json" with { type: "json" };
import circleciServer from "../catalog/overrides/circleci-server.json" with { type: "json" };
import kongKonnect from "../catalog/overrides/kong-konnect.json" with { type: "json" };
import { parseOverrides, type Overrides } from "../import/index.js";

const RAW: Record<string, unknown> = {
  "auth0-private-cloud": auth0PrivateCloud,
  "auth0-appliance": auth0Appliance,
  strongdm,
  "circleci-server": circleciServer,
  "kong-konnect": kongKonnect,
};

/** How a built-in product's catalog was made from its page; undefined for other products. */
export function builtinOverrides(product: string): Overrides | undefined {
  const raw = RAW[product];
  return raw === undefined ? undefined : parseOverrides(raw, `overrides/${product}.json`);
}
