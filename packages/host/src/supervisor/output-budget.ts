// How much of a plugin's output the host reads and logs, per interval. Lines beyond the log
// budget are dropped, counted and reported once per interval, since a slow reader of the
// host's own stderr makes the host buffer whatever it logs. Reading itself is capped too: every
// chunk read is memory until the garbage collector runs, which may be tens of MiB later, so
// beyond the read budget the host stops reading until the next interval and the plugin's
// writes wait for the pipe, as they would for any slow reader.

/** A plugin's output budget. */
export interface OutputLimits {
  /** Longest line logged, in bytes; the rest of a longer line is cut. Default 16 KiB. */
  maxLineBytes?: number;
  /** Lines logged per interval, both streams together. Default 1,000. */
  linesPerInterval?: number;
  /** Bytes of lines logged per interval, both streams together. Default 256 KiB. */
  bytesPerInterval?: number;
  /**
   * Bytes read per interval, both streams together; beyond, reading waits for the next
   * interval. Default 2 MiB.
   */
  readBytesPerInterval?: number;
  /** Default 1 s. */
  intervalMs?: number;
}

/** What was dropped in one interval. */
export interface DroppedOutput {
  lines: number;
  bytes: number;
  /** The interval's budget, for the report. */
  limits: Required<OutputLimits>;
}

export const defaultOutputLimits: Required<OutputLimits> = {
  maxLineBytes: 16 * 1024,
  linesPerInterval: 1_000,
  bytesPerInterval: 256 * 1024,
  readBytesPerInterval: 2 * 1024 * 1024,
  intervalMs: 1_000,
};

/**
 * A fixed-window budget of bytes read and of lines and bytes logged; reports what it dropped
 * once per interval.
 */
export class OutputBudget {
  readonly limits: Required<OutputLimits>;
  private windowEnds = 0;
  private bytesRead = 0;
  private lines = 0;
  private bytes = 0;
  private droppedLines = 0;
  private droppedBytes = 0;
  private reportTimer: NodeJS.Timeout | undefined;

  constructor(
    limits: OutputLimits,
    private readonly onDropped: (dropped: DroppedOutput) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...defaultOutputLimits, ...limits };
  }

  /**
   * Counts `byteLength` bytes read; answers 0 while more may be read in this interval, else
   * the milliseconds until the next one.
   */
  read(byteLength: number): number {
    const now = this.roll();
    this.bytesRead += byteLength;
    return this.bytesRead < this.limits.readBytesPerInterval ? 0 : this.windowEnds - now;
  }

  /** Whether a line of `byteLength` bytes fits in this interval's budget; counts it if not. */
  admit(byteLength: number): boolean {
    const now = this.roll();
    if (
      this.lines < this.limits.linesPerInterval &&
      this.bytes + byteLength <= this.limits.bytesPerInterval
    ) {
      this.lines++;
      this.bytes += byteLength;
      return true;
    }
    this.droppedLines++;
    this.droppedBytes += byteLength;
    // Reported at the end of the interval even if the plugin falls silent.
    this.reportTimer ??= setTimeout(() => this.report(), this.windowEnds - now).unref();
    return false;
  }

  /** Starts the next interval if this one is over; answers the time. */
  private roll(): number {
    const now = this.now();
    if (now >= this.windowEnds) {
      this.report();
      this.windowEnds = now + this.limits.intervalMs;
      this.bytesRead = 0;
      this.lines = 0;
      this.bytes = 0;
    }
    return now;
  }

  /** Reports what was dropped and not reported yet, e.g. once the output has ended. */
  report(): void {
    clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
    if (this.droppedLines === 0) {
      return;
    }
    const dropped = { lines: this.droppedLines, bytes: this.droppedBytes, limits: this.limits };
    this.droppedLines = 0;
    this.droppedBytes = 0;
    this.onDropped(dropped);
  }
}
