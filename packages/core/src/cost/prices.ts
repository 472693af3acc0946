/**
 * Published AWS unit prices the cost estimate uses: us-east-1 list prices, no free tier
 * subtracted. One dated table; when AWS changes a price, change it here and the date with it
 * (README's cost table is generated from this, and a test fails when the README drifts).
 */
export const PRICES = {
  /**
   * When these figures were last checked: against published copies of the pages below (the AWS
   * pages themselves cannot be reached from the build machine). Re-check before a budget decision.
   */
  asOf: "2026-12-02",
  region: "us-east-1",
  lambda: {
    /** https://aws.amazon.com/lambda/pricing/ (first duration tier: 6 B GB-s a month on x86, 7.5 B on Arm) */
    perMillionRequests: 0.2,
    perGbSecond: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  },
  dynamodb: {
    /** https://aws.amazon.com/dynamodb/pricing/on-demand/ (on-demand, Standard table class, after the November 2024 cut) */
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
    perGbMonth: 0.25,
  },
  scheduler: {
    /** https://aws.amazon.com/eventbridge/pricing/ (Scheduler; 14 M invocations a month are free, not subtracted here) */
    perMillionInvocations: 1.0,
  },
  logs: {
    /** https://aws.amazon.com/cloudwatch/pricing/ (Logs, standard ingestion) */
    perGbIngested: 0.5,
  },
  sqs: {
    /** https://aws.amazon.com/sqs/pricing/ (FIFO queue, per 64 KB request): the region's result spool, when deployed. */
    perMillionFifoRequests: 0.5,
  },
} as const;

export type Prices = typeof PRICES;
export type Architecture = keyof Prices["lambda"]["perGbSecond"];
