import type { TestProject } from "vitest/node";
import { startDynamoLocal } from "../../packages/functions/src/dynamo-local/index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Endpoint of the one in-memory DynamoDB Local shared by the whole test run. */
    dynamoEndpoint: string;
  }
}

/** Vitest globalSetup: one in-memory DynamoDB Local per test run; tests create their own tables. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynamoLocal({ inMemory: true });
  project.provide("dynamoEndpoint", dynamo.endpoint);
  return () => dynamo.stop();
}
