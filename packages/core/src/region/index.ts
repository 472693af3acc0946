/**
 * Region names, one home: a probe region is an AWS region name (eu-west-1); an agent location is
 * named by its operator (onprem-dc1) and stored and shown as the region `agent:<location>`
 * (core/agent). Settings, profiles, API parameters and the agent CLI all validate with these.
 */
import * as v from "valibot";
import { agentRegion } from "../agent/region.js";

const AWS_REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const LOCATION_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Either name as one pattern, so the OpenAPI parameter shows it as one `pattern`. */
const REGION_NAME = new RegExp(`^(?:${AWS_REGION.source.slice(1, -1)}|${agentRegion("")}${LOCATION_NAME.source.slice(1, -1)})$`);

/** True for an AWS region name such as eu-west-1. */
export function isAwsRegion(name: string): boolean {
  return AWS_REGION.test(name);
}

/** An AWS region name such as eu-west-1 (a probe region). */
export const AwsRegionSchema = v.pipe(v.string(), v.regex(AWS_REGION, "an AWS region such as eu-west-1"));

/** An agent location's name: lowercase letters, digits and dashes (its region is `agent:<name>`). */
export const LocationNameSchema = v.pipe(v.string(), v.regex(LOCATION_NAME, "a location name such as onprem-dc1 (a-z, 0-9, -)"));

/** A region as results, history and verdicts name it: an AWS region or `agent:<location>`. */
export const RegionNameSchema = v.pipe(v.string(), v.regex(REGION_NAME, "an AWS region such as eu-west-1 or an agent location such as agent:onprem-dc1"));
