import { DDSketch } from "@datadog/sketches-js";

/** Relative accuracy of every latency sketch: quantiles are within 1 % of the true value. */
export const SKETCH_ACCURACY = 0.01;

/** Quantiles and extremes read off a sketch (milliseconds). */
export interface LatencySummary {
  count: number;
  p50?: number;
  p95?: number;
  p99?: number;
  min?: number;
  max?: number;
}

/**
 * A mergeable latency distribution (DDSketch, 1 % relative accuracy): hourly and daily
 * rollups each hold one, and the percentiles of any range come from merging them.
 */
export class LatencySketch {
  private constructor(private readonly sketch: DDSketch) {}

  static empty(): LatencySketch {
    return new LatencySketch(new DDSketch({ relativeAccuracy: SKETCH_ACCURACY }));
  }

  get count(): number {
    return this.sketch.count;
  }

  /** Latencies are never negative; a clock hiccup below zero counts as 0 ms. */
  add(valueMs: number): void {
    this.sketch.accept(Math.max(0, valueMs));
  }

  merge(other: LatencySketch): void {
    this.sketch.merge(other.sketch);
  }

  quantile(q: number): number | undefined {
    if (this.sketch.count === 0) return undefined;
    // Clamp to the exact extremes: a bin's representative value may sit just outside them.
    return Math.min(this.sketch.max, Math.max(this.sketch.min, this.sketch.getValueAtQuantile(q)));
  }

  summary(): LatencySummary {
    if (this.sketch.count === 0) return { count: 0 };
    return {
      count: this.sketch.count,
      p50: round(this.quantile(0.5)),
      p95: round(this.quantile(0.95)),
      p99: round(this.quantile(0.99)),
      min: round(this.sketch.min),
      max: round(this.sketch.max),
    };
  }

  /**
   * Compact bytes: version, min/max/sum as float64, then zero count and the non-empty
   * bins as varints (key deltas zig-zagged). ~100–300 bytes for a typical hour.
   */
  encode(): Uint8Array {
    const out = new ByteWriter();
    out.byte(FORMAT_VERSION);
    out.float64(this.sketch.count ? this.sketch.min : 0);
    out.float64(this.sketch.count ? this.sketch.max : 0);
    out.float64(this.sketch.sum);
    out.varint(this.sketch.zeroCount);
    const store = this.sketch.store;
    const bins: Array<[number, number]> = [];
    store.bins.forEach((count, index) => {
      if (count > 0) bins.push([index + store.offset, count]);
    });
    out.varint(bins.length);
    let previousKey = 0;
    for (const [key, count] of bins) {
      out.varint(zigzag(key - previousKey));
      out.varint(count);
      previousKey = key;
    }
    return out.bytes();
  }

  /** Decode what `encode` produced. Throws on malformed bytes. */
  static decode(bytes: Uint8Array): LatencySketch {
    const input = new ByteReader(bytes);
    if (input.byte() !== FORMAT_VERSION) throw new Error("latency sketch: unknown format");
    const min = input.float64();
    const max = input.float64();
    const sum = input.float64();
    const result = LatencySketch.empty();
    const sketch = result.sketch;
    sketch.zeroCount = input.varint();
    const binCount = input.varint();
    let key = 0;
    for (let i = 0; i < binCount; i++) {
      key += unzigzag(input.varint());
      sketch.store.add(key, input.varint());
    }
    sketch.count = sketch.zeroCount + sketch.store.count;
    if (sketch.count > 0) {
      sketch.min = min;
      sketch.max = max;
      sketch.sum = sum;
    }
    return result;
  }
}

const FORMAT_VERSION = 1;

function round(value: number | undefined): number | undefined {
  return value === undefined ? undefined : Math.round(value * 100) / 100;
}

const zigzag = (n: number) => (n >= 0 ? n * 2 : -n * 2 - 1);
const unzigzag = (n: number) => (n % 2 === 0 ? n / 2 : -(n + 1) / 2);

class ByteWriter {
  private readonly parts: number[] = [];
  private readonly scratch = new DataView(new ArrayBuffer(8));

  byte(value: number): void {
    this.parts.push(value & 0xff);
  }

  float64(value: number): void {
    this.scratch.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.parts.push(this.scratch.getUint8(i));
  }

  /** Unsigned LEB128 for non-negative integers up to 2^53. */
  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.parts.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.parts.push(rest);
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

class ByteReader {
  private position = 0;
  constructor(private readonly data: Uint8Array) {}

  byte(): number {
    const value = this.data[this.position++];
    if (value === undefined) throw new Error("latency sketch: truncated");
    return value;
  }

  float64(): number {
    if (this.position + 8 > this.data.byteLength) throw new Error("latency sketch: truncated");
    const view = new DataView(this.data.buffer, this.data.byteOffset + this.position, 8);
    this.position += 8;
    return view.getFloat64(0, true);
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const part = this.byte();
      value += (part & 0x7f) * scale;
      if (part < 0x80) return value;
      scale *= 0x80;
    }
  }
}
