import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";

/** Write and read capacity units as DynamoDB reports them (ReturnConsumedCapacity TOTAL, indexes included). */
export interface CapacityTotals {
  write: number;
  read: number;
  calls: number;
}

/** Adds ReturnConsumedCapacity to every call of `client` and sums what DynamoDB (Local) reports. */
export function meter(client: DynamoDBClient) {
  const totals: CapacityTotals = { write: 0, read: 0, calls: 0 };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = "TOTAL";
      const out = await next(args);
      totals.calls++;
      const consumed = [(out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity ?? []].flat() as Array<{
        CapacityUnits?: number;
      }>;
      const kind = /^(Put|BatchWrite|Update|Delete)/.test(context.commandName ?? "") ? "write" : "read";
      for (const c of consumed) totals[kind] += c.CapacityUnits ?? 0;
      return out;
    },
    { step: "initialize", name: "capacityMeter" },
  );
  return {
    snapshot: (): CapacityTotals => ({ ...totals }),
    reset: () => Object.assign(totals, { write: 0, read: 0, calls: 0 }),
  };
}
