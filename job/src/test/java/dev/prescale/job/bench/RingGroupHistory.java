package dev.prescale.job.bench;

import dev.prescale.job.pipeline.GroupWindow;
import java.util.Arrays;

/**
 * The group history layout before issue 8, kept for the benchmark and as the reference of the
 * equivalence tests: a bounded ring of a group's recent windows, addressed by window number so
 * that gaps and late updates land in the right slot, held in ONE keyed value (9 series x capacity
 * doubles, read and rewritten for every window). A Flink POJO.
 */
public class RingGroupHistory {
    /** Series kept per window. */
    public static final int CPU = 0;
    public static final int MEMORY = 1;
    public static final int STORAGE = 2;
    public static final int NETWORK = 3;
    public static final int API_CALLS = 4;
    public static final int DATA_ACCESSES = 5;
    public static final int UI_EVENTS = 6;
    public static final int USERS = 7;
    public static final int BYTES_WRITTEN = 8;
    public static final int SERIES = 9;

    /** The window end held by each slot, 0 when empty. */
    public long[] windowEnds;
    /** values[series][slot]. */
    public double[][] values;
    /** Window length the ring was built for. */
    public long windowMillis;
    /** The first window seen: before it the group's demand is unknown, after it a gap means no traffic. */
    public long firstWindowEnd;
    /** The latest window seen. */
    public long lastWindowEnd;
    /** Running total of bytes written: the storage level. */
    public double storageTotal;

    public RingGroupHistory() {}

    public RingGroupHistory(int capacity, long windowMillis) {
        this.windowEnds = new long[capacity];
        this.values = new double[SERIES][capacity];
        this.windowMillis = windowMillis;
    }

    public int capacity() {
        return windowEnds.length;
    }

    private int slot(long windowEnd) {
        return (int) Math.floorMod(windowEnd / windowMillis, (long) capacity());
    }

    /** Records a window (or replaces it, for an update); keeps the storage level consistent. */
    public void put(GroupWindow w) {
        int s = slot(w.windowEnd);
        boolean replacing = windowEnds[s] == w.windowEnd;
        double oldWritten = replacing ? values[BYTES_WRITTEN][s] : 0;
        storageTotal += w.bytesWritten - oldWritten;
        if (!replacing && windowEnds[s] > w.windowEnd) {
            return; // older than everything the ring still holds
        }
        windowEnds[s] = w.windowEnd;
        values[CPU][s] = w.cpuCores;
        values[MEMORY][s] = w.memoryMb;
        values[NETWORK][s] = w.networkBytesPerSecond;
        values[BYTES_WRITTEN][s] = w.bytesWritten;
        values[STORAGE][s] = replacing ? values[STORAGE][s] + (w.bytesWritten - oldWritten) : storageTotal;
        values[API_CALLS][s] = w.apiCalls;
        values[DATA_ACCESSES][s] = w.dataAccesses;
        values[UI_EVENTS][s] = w.uiEvents;
        values[USERS][s] = w.distinctUsers;
        if (firstWindowEnd == 0 || w.windowEnd < firstWindowEnd) {
            firstWindowEnd = w.windowEnd;
        }
        lastWindowEnd = Math.max(lastWindowEnd, w.windowEnd);
    }

    /**
     * One series over the {@code capacity} windows ending at {@code lastEnd}, oldest first: NaN
     * before the group's first window, 0 for a window without traffic (the storage level carries
     * forward instead).
     */
    public double[] series(int series, long lastEnd) {
        int n = capacity();
        double[] out = new double[n];
        double carried = Double.NaN;
        long end = lastEnd - (long) (n - 1) * windowMillis;
        // Consecutive windows sit in consecutive slots: one floorMod per call, not one per window
        // (it was the job's top CPU hot spot at 10,000 groups, BENCHMARKS.md).
        int s = slot(end) - 1;
        for (int i = 0; i < n; i++, end += windowMillis) {
            s = s == n - 1 ? 0 : s + 1;
            if (end < firstWindowEnd) {
                out[i] = Double.NaN;
            } else if (windowEnds[s] == end) {
                out[i] = values[series][s];
                carried = out[i];
            } else if (series == STORAGE) {
                out[i] = Double.isNaN(carried) ? 0 : carried;
            } else {
                out[i] = 0;
            }
        }
        return out;
    }

    /** Windows of known history up to {@code lastEnd} (at most the capacity). */
    public int historySteps(long lastEnd) {
        if (firstWindowEnd == 0 || lastEnd < firstWindowEnd) {
            return 0;
        }
        return (int) Math.min(capacity(), (lastEnd - firstWindowEnd) / windowMillis + 1);
    }

    /** The same history in a ring of another capacity (after a configuration change). */
    public RingGroupHistory resized(int capacity, long newWindowMillis) {
        RingGroupHistory r = new RingGroupHistory(capacity, newWindowMillis);
        r.storageTotal = storageTotal;
        if (newWindowMillis != windowMillis) {
            return r; // windows of another length cannot be reused
        }
        long[] ends = windowEnds.clone();
        Arrays.sort(ends);
        for (long end : ends) {
            if (end == 0) {
                continue;
            }
            int s = slot(end);
            int t = r.slot(end);
            if (r.windowEnds[t] < end) {
                r.windowEnds[t] = end;
                for (int k = 0; k < SERIES; k++) {
                    r.values[k][t] = values[k][s];
                }
            }
        }
        r.firstWindowEnd = firstWindowEnd;
        r.lastWindowEnd = lastWindowEnd;
        return r;
    }
}
