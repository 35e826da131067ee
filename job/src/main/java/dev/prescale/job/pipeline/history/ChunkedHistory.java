package dev.prescale.job.pipeline.history;

import dev.prescale.connectors.records.ResourceType;
import dev.prescale.job.pipeline.GroupWindow;
import dev.prescale.job.pipeline.LagRanges;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * A group's recent windows kept append-only: a small {@link HistoryHead} plus chunks of
 * {@code chunkWindows} consecutive windows, addressed by window number (window end / window length)
 * so that gaps and late updates land in the right place. The open chunk (the newest) lives in the
 * head ({@link HeadChunkStore}), so a new window rewrites only the head, and a chunk is written to
 * the store once, when the next one opens; chunks that fall out of the context ({@code capacity}
 * windows up to the latest) are removed, so at most {@code (capacity - 1) / chunkWindows + 2}
 * chunks are kept, the head's included.
 *
 * <p>Semantics (those of the single-value ring it replaces): before the group's first window the
 * demand is unknown (NaN); a window without traffic is 0; storage is the running total of bytes
 * written, stored per window, carried forward over gaps (0 when no window of the requested range
 * was seen yet); an update of a recorded window corrects that window's storage level and the
 * running total by the change in bytes written; a window older than the context only adds its
 * bytes written to the running total. Window ends are those of tumbling windows (multiples of the
 * window length apart).
 */
public final class ChunkedHistory {
    /** The presence bits of a chunk are one long. */
    public static final int MAX_CHUNK_WINDOWS = 64;
    /** Names of the covariate series, in the order {@link #fill} writes them. */
    public static final String[] COVARIATES = {"apiCalls", "dataAccesses", "uiEvents", "distinctUsers"};

    /** From this many chunks on, {@link #fill} scans the group's chunks instead of looking each up. */
    static final int SCAN_FROM_CHUNKS = 3;

    private static final int CPU = ResourceType.CPU.ordinal();
    private static final int MEMORY = ResourceType.MEMORY.ordinal();
    private static final int STORAGE = ResourceType.STORAGE.ordinal();
    private static final int NETWORK = ResourceType.NETWORK.ordinal();

    private final int capacity;
    private final long windowMillis;
    private final int chunkWindows;
    private final boolean covariates;

    /**
     * @param capacity windows of context kept (and read) per group
     * @param chunkWindows windows per chunk, 1 to {@link #MAX_CHUNK_WINDOWS}
     * @param covariates whether the covariate series are stored
     */
    public ChunkedHistory(int capacity, long windowMillis, int chunkWindows, boolean covariates) {
        if (capacity < 1 || windowMillis < 1 || chunkWindows < 1 || chunkWindows > MAX_CHUNK_WINDOWS) {
            throw new IllegalArgumentException("capacity " + capacity + ", window " + windowMillis
                    + " ms, chunk " + chunkWindows + " windows (1.." + MAX_CHUNK_WINDOWS + ")");
        }
        this.capacity = capacity;
        this.windowMillis = windowMillis;
        this.chunkWindows = chunkWindows;
        this.covariates = covariates;
    }

    public int capacity() {
        return capacity;
    }

    public boolean covariates() {
        return covariates;
    }

    /**
     * Records a window (or replaces it, for an update) and returns the head to store: {@code head}
     * itself, or a new one when there was none (the group is new or its state expired; stale
     * chunks are cleared) or the window length changed (the windows cannot be reused; the storage
     * level is kept).
     */
    public HistoryHead put(HistoryHead head, GroupWindow w, ChunkStore store) throws Exception {
        if (head == null) {
            store.clear();
            head = new HistoryHead(windowMillis, chunkWindows);
        } else if (head.windowMillis != windowMillis) {
            store.clear();
            HistoryHead fresh = new HistoryHead(windowMillis, chunkWindows);
            fresh.storageTotal = head.storageTotal;
            head = fresh;
        }
        ChunkStore chunks = new HeadChunkStore(head, store);
        if (head.chunkWindows != chunkWindows) {
            rechunk(head, chunks);
        }
        long n = number(w.windowEnd);
        if (!head.isEmpty() && n <= number(head.lastWindowEnd) - capacity) {
            // Older than the context: nothing reads it any more, but its bytes were written.
            head.storageTotal += w.bytesWritten;
            return head;
        }
        long c = Math.floorDiv(n, chunkWindows);
        int i = (int) (n - c * chunkWindows);
        HistoryChunk chunk = chunks.get(c);
        if (chunk == null) {
            chunk = HistoryChunk.empty(covariates);
        } else if (covariates && !chunk.hasCovariates()) {
            chunk.addCovariates();
        } else if (!covariates && chunk.hasCovariates()) {
            dropCovariates(chunk);
        }
        boolean replacing = chunk.has(i);
        chunk.ensureWindow(i);
        double delta = w.bytesWritten - (replacing ? chunk.bytesWritten[i] : 0);
        head.storageTotal += delta;
        chunk.storage[i] = replacing ? chunk.storage[i] + delta : head.storageTotal;
        chunk.bytesWritten[i] = w.bytesWritten;
        chunk.cpu[i] = (float) w.cpuCores;
        chunk.memory[i] = (float) w.memoryMb;
        chunk.network[i] = (float) w.networkBytesPerSecond;
        if (covariates) {
            chunk.apiCalls[i] = w.apiCalls;
            chunk.dataAccesses[i] = w.dataAccesses;
            chunk.uiEvents[i] = w.uiEvents;
            chunk.users[i] = w.distinctUsers;
        }
        chunk.present |= 1L << i;
        chunks.put(c, chunk);
        if (head.isEmpty()) {
            head.oldestChunk = c;
            head.firstWindowEnd = w.windowEnd;
            head.lastWindowEnd = w.windowEnd;
            return head;
        }
        head.oldestChunk = Math.min(head.oldestChunk, c);
        if (w.windowEnd < head.firstWindowEnd) {
            head.firstWindowEnd = w.windowEnd;
        }
        if (w.windowEnd > head.lastWindowEnd) {
            long previousLast = number(head.lastWindowEnd);
            head.lastWindowEnd = w.windowEnd;
            evict(head, previousLast, chunks);
        }
        return head;
    }

    /**
     * Windows of known history up to {@code lastEnd} that are still stored: at most the capacity,
     * and for an end behind the newest window only those inside the newest window's context.
     */
    public int historySteps(HistoryHead head, long lastEnd) {
        if (head == null || head.firstWindowEnd == 0 || lastEnd < head.firstWindowEnd) {
            return 0;
        }
        long stored = capacity - (head.lastWindowEnd - lastEnd) / windowMillis;
        return (int) Math.max(0, Math.min(stored, (lastEnd - head.firstWindowEnd) / windowMillis + 1));
    }

    /**
     * Writes the {@code known} windows ending at {@code lastEnd}, oldest first, into
     * {@code resources[resource ordinal]} and (when not null) {@code covariateSeries[k]} in the order
     * of {@link #COVARIATES}; every array has length {@code known}. Reads only the chunks covering
     * those windows, each once. A window seen without covariates (stored before they were needed)
     * has NaN covariates.
     */
    public void fill(HistoryHead head, long lastEnd, int known, ChunkStore stored, double[][] resources,
            double[][] covariateSeries) throws Exception {
        ChunkStore store = head == null ? stored : new HeadChunkStore(head, stored);
        long first = head == null ? 0 : head.firstWindowEnd;
        double carried = Double.NaN;
        long end = lastEnd - (long) (known - 1) * windowMillis;
        long n = number(end);
        long firstChunk = Math.floorDiv(n, chunkWindows);
        HistoryChunk[] scanned = null;
        int span = (int) (Math.floorDiv(number(lastEnd), chunkWindows) - firstChunk + 1);
        if (span >= SCAN_FROM_CHUNKS) {
            // The stored chunks are those of the context (and at most one more): read them in one scan.
            scanned = new HistoryChunk[span];
            for (Map.Entry<Long, HistoryChunk> e : store.entries()) {
                long k = e.getKey() - firstChunk;
                if (k >= 0 && k < span) {
                    scanned[(int) k] = e.getValue();
                }
            }
        }
        int out = 0;
        while (out < known) {
            long c = Math.floorDiv(n, chunkWindows);
            int i = (int) (n - c * chunkWindows);
            HistoryChunk chunk = scanned != null ? scanned[(int) (c - firstChunk)] : store.get(c);
            int stop = Math.min(chunkWindows, i + known - out);
            for (; i < stop; i++, out++, end += windowMillis) {
                carried = writeResources(end < first, chunk, i, carried, resources, out);
                if (covariateSeries == null) {
                    continue;
                }
                if (end < first) {
                    for (double[] s : covariateSeries) {
                        s[out] = Double.NaN;
                    }
                } else if (chunk != null && chunk.has(i)) {
                    boolean has = chunk.hasCovariates();
                    covariateSeries[0][out] = has ? chunk.apiCalls[i] : Double.NaN;
                    covariateSeries[1][out] = has ? chunk.dataAccesses[i] : Double.NaN;
                    covariateSeries[2][out] = has ? chunk.uiEvents[i] : Double.NaN;
                    covariateSeries[3][out] = has ? chunk.users[i] : Double.NaN;
                } else {
                    for (double[] s : covariateSeries) {
                        s[out] = 0;
                    }
                }
            }
            n = (c + 1) * chunkWindows;
        }
    }

    /**
     * The values {@link #fill} would write for a history of {@code known} windows ending at
     * {@code lastEnd}, but only those at the given lags (inclusive pairs {@code [from, to]}, 1 = the
     * window ending at {@code lastEnd}), in the sparse form of {@link LagRanges}: each resource's
     * array {@code LagRanges.length(LagRanges.clip(lagRanges, known))} long, range after range of
     * the clipped ranges, each oldest first; nothing else is written. Reads only the chunks covering
     * those windows, each once, by point lookups; a range that starts in a window without traffic
     * also reads back to the last seen window, for the storage level carried over the gap.
     */
    public void fillLagsSparse(HistoryHead head, long lastEnd, int known, int[] lagRanges, ChunkStore stored,
            double[][] resources) throws Exception {
        ChunkStore store = head == null ? stored : new HeadChunkStore(head, stored);
        long first = head == null ? 0 : head.firstWindowEnd;
        long oldestEnd = lastEnd - (long) (known - 1) * windowMillis;
        Map<Long, HistoryChunk> read = new HashMap<>();
        int out = 0;
        for (int k = 0; k + 1 < lagRanges.length; k += 2) {
            int from = Math.max(1, lagRanges[k]);
            int to = Math.min(known, lagRanges[k + 1]);
            if (from > to) {
                continue;
            }
            long end = lastEnd - (long) (to - 1) * windowMillis;
            double carried = carriedStorage(end, Math.max(first, oldestEnd), read, store);
            for (int lag = to; lag >= from; lag--, end += windowMillis) {
                long n = number(end);
                long c = Math.floorDiv(n, chunkWindows);
                int i = (int) (n - c * chunkWindows);
                HistoryChunk chunk = end < first ? null : chunk(c, read, store);
                carried = writeResources(end < first, chunk, i, carried, resources, out++);
            }
        }
    }

    /**
     * The resources of one window at {@code out}, as {@link #fill} and {@link #fillLagsSparse} define
     * them: unknown (NaN) before the group's first window, the stored values when the window was
     * seen, and no traffic otherwise (0, the storage level carried over the gap). Returns the
     * storage level to carry on.
     */
    private static double writeResources(boolean beforeFirst, HistoryChunk chunk, int i, double carried,
            double[][] resources, int out) {
        if (beforeFirst) {
            resources[CPU][out] = resources[MEMORY][out] = resources[STORAGE][out] = resources[NETWORK][out] = Double.NaN;
            return carried;
        }
        if (chunk != null && chunk.has(i)) {
            resources[CPU][out] = chunk.cpu[i];
            resources[MEMORY][out] = chunk.memory[i];
            resources[NETWORK][out] = chunk.network[i];
            resources[STORAGE][out] = chunk.storage[i];
            return resources[STORAGE][out];
        }
        // No traffic in this window; the storage level stays where it was.
        resources[CPU][out] = resources[MEMORY][out] = resources[NETWORK][out] = 0;
        resources[STORAGE][out] = Double.isNaN(carried) ? 0 : carried;
        return carried;
    }

    /** The storage level of the last seen window in {@code [lowestEnd, end)}, NaN for none (as {@link #fill} carries it). */
    private double carriedStorage(long end, long lowestEnd, Map<Long, HistoryChunk> read, ChunkStore store)
            throws Exception {
        for (long e = end - windowMillis; e >= lowestEnd; e -= windowMillis) {
            long n = number(e);
            long c = Math.floorDiv(n, chunkWindows);
            HistoryChunk chunk = chunk(c, read, store);
            int i = (int) (n - c * chunkWindows);
            if (chunk != null && chunk.has(i)) {
                return chunk.storage[i];
            }
        }
        return Double.NaN;
    }

    /** A chunk read at most once per call (absent ones too). */
    private static HistoryChunk chunk(long c, Map<Long, HistoryChunk> read, ChunkStore store) throws Exception {
        if (read.containsKey(c)) {
            return read.get(c);
        }
        HistoryChunk chunk = store.get(c);
        read.put(c, chunk);
        return chunk;
    }

    private long number(long windowEnd) {
        return Math.floorDiv(windowEnd, windowMillis);
    }

    /** Removes the chunks that the latest window pushed out of the context. */
    private void evict(HistoryHead head, long previousLast, ChunkStore store) throws Exception {
        long oldestNeeded = Math.floorDiv(number(head.lastWindowEnd) - capacity + 1, chunkWindows);
        // Nothing was stored after the previous latest window: the loop is bounded by the context.
        long upTo = Math.min(oldestNeeded, Math.floorDiv(previousLast, chunkWindows) + 1);
        for (long k = head.oldestChunk; k < upTo; k++) {
            store.remove(k);
        }
        head.oldestChunk = Math.max(head.oldestChunk, oldestNeeded);
    }

    /** Rewrites the stored windows into chunks of the current length (the chunk length changed). */
    private void rechunk(HistoryHead head, ChunkStore store) throws Exception {
        int oldWindows = head.chunkWindows;
        head.chunkWindows = chunkWindows;
        if (head.isEmpty()) {
            store.clear();
            return;
        }
        long last = number(head.lastWindowEnd);
        Map<Long, HistoryChunk> moved = new TreeMap<>();
        for (long k = head.oldestChunk; k <= Math.floorDiv(last, oldWindows); k++) {
            HistoryChunk from = store.get(k);
            if (from == null) {
                continue;
            }
            for (int i = 0; i < oldWindows; i++) {
                long n = k * oldWindows + i;
                if (!from.has(i) || n <= last - capacity) {
                    continue;
                }
                long c = Math.floorDiv(n, chunkWindows);
                int j = (int) (n - c * chunkWindows);
                HistoryChunk to = moved.computeIfAbsent(c, x -> HistoryChunk.empty(covariates));
                copyWindow(from, i, to, j);
            }
        }
        store.clear();
        head.oldestChunk = Math.floorDiv(last, chunkWindows);
        for (Map.Entry<Long, HistoryChunk> e : moved.entrySet()) {
            store.put(e.getKey(), e.getValue());
            head.oldestChunk = Math.min(head.oldestChunk, e.getKey());
        }
    }

    private static void copyWindow(HistoryChunk from, int i, HistoryChunk to, int j) {
        to.ensureWindow(j);
        to.cpu[j] = from.cpu[i];
        to.memory[j] = from.memory[i];
        to.network[j] = from.network[i];
        to.storage[j] = from.storage[i];
        to.bytesWritten[j] = from.bytesWritten[i];
        if (to.hasCovariates()) {
            boolean has = from.hasCovariates();
            to.apiCalls[j] = has ? from.apiCalls[i] : Float.NaN;
            to.dataAccesses[j] = has ? from.dataAccesses[i] : Float.NaN;
            to.uiEvents[j] = has ? from.uiEvents[i] : Float.NaN;
            to.users[j] = has ? from.users[i] : Float.NaN;
        }
        to.present |= 1L << j;
    }

    private static void dropCovariates(HistoryChunk chunk) {
        chunk.apiCalls = null;
        chunk.dataAccesses = null;
        chunk.uiEvents = null;
        chunk.users = null;
    }
}
