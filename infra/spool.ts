/**
 * The region spool: one SQS FIFO queue per probe region, beside its probe function, where
 * results wait while the table cannot take them (packages/functions/src/spool). FIFO with the
 * region as message group keeps a region's batches in order; 14 days is SQS's longest
 * retention, and so the longest store outage nothing is lost through.
 */
export function spoolQueue(name: string, provider: aws.Provider) {
  return new aws.sqs.Queue(
    name,
    {
      fifoQueue: true,
      messageRetentionSeconds: 14 * 24 * 3600,
      // Longer than one drain of a full queue by a probe invocation.
      visibilityTimeoutSeconds: 120,
      sqsManagedSseEnabled: true,
    },
    { provider },
  );
}
