package dev.prescale.job.pipeline.history;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded heap copy of what a subtask's group histories last read from or wrote to state: each
 * group's head and the few stored chunks its forecasts read by point lookups (the lags a day back
 * read the same older chunk for 60 windows in a row). A window of a cached group then reads nothing
 * from the state backend (in RocksDB every read is a lookup and a deserialization). Chunk writes
 * always go to state; a head is either written through ({@link #headWritten}) or, written behind
 * ({@link #headChanged}), kept here as the group's newest head (dirty) until {@link #flushDirty}
 * hands it to state before the next checkpoint: one head write per group and checkpoint instead of
 * one per window. A dirty head is never evicted, so what a checkpoint, restore or rescaling reads
 * from state is always what the windows before the checkpoint wrote.
 *
 * <p>The head's state expires {@code headTtlMillis} after its last write (Flink's TTL, processing
 * time): a cached head is only served while younger than that on the same clock, else the group's
 * entry is dropped and the state read decides (null: the group starts afresh and clears its
 * chunks). Cached chunks live no longer than their group's entry. A dirty head counts from its
 * change, and from its flush once flushed (the state's stamp): one that expires dirty was changed a
 * whole TTL ago, so the state's older copy, if any, has expired too, and the entry is dropped as well.
 *
 * <p>The cache keeps copies of what it is given, never the objects handed to state: on the heap
 * state backend those are the state's own, which an asynchronous snapshot may still be reading when
 * the next window changes what the cache returned (a state read would have returned a copy then).
 * A dirty head is the cache's own object (changed in place by the next window); the flush hands
 * the writer a copy of it.
 *
 * <p>Bounded in bytes (an estimate from the arrays' lengths, with compressed references): a full
 * cache admits a new group only in place of least recently used clean ones that missed
 * {@link #STALE_WINDOWS} windows, or ones whose head expired. Groups with a window every window keep their
 * place, so with more active groups than room the first ones stay cached instead of every group
 * evicting another (which would hit nothing); a chunk that finds no room is read from state again.
 */
public final class HistoryHeapCache {
    /** Stored chunks kept per group: the forecast's lag ranges read one or two older chunks. */
    public static final int CHUNKS_PER_GROUP = 4;
    /** A least recently used group this many windows behind the element's window gives way to a new one. */
    static final int STALE_WINDOWS = 2;
    /** Bytes of an entry besides its key, head and chunks: the entry, its arrays and the map's node. */
    static final long ENTRY_BYTES = 240;
    /** Bytes of a {@link HistoryChunk} without its arrays. */
    private static final long CHUNK_BYTES = 56;
    /** Bytes of a {@link HistoryHead} without its arrays and open chunk. */
    private static final long HEAD_BYTES = 88;

    /** The clock of the state TTL (Flink's default TTL time provider reads the system clock). */
    @FunctionalInterface
    public interface TtlClock extends Serializable {
        /** Milliseconds, on the clock the state backend's TTL uses. */
        long millis();

        /** The system clock, as Flink's state TTL. */
        static TtlClock system() {
            return System::currentTimeMillis;
        }
    }

    /** Writes a dirty head of a group to state ({@link #flushDirty}); the writer selects the group's key. */
    @FunctionalInterface
    public interface HeadWriter {
        void write(String group, HistoryHead head) throws Exception;
    }

    /** One group's cached history. */
    private static final class Group {
        final String key;
        final long keyBytes;
        HistoryHead head;
        long headBytes;
        /** When state got the head, or (dirty) when it changed: its TTL counts from here. */
        long headWrittenAt;
        /** The head changed since state last got it ({@link #headChanged}): not evicted until flushed. */
        boolean dirty;
        final long[] index = new long[CHUNKS_PER_GROUP];
        final HistoryChunk[] chunks = new HistoryChunk[CHUNKS_PER_GROUP];
        final long[] chunkBytes = new long[CHUNKS_PER_GROUP];
        int next;

        Group(String key) {
            this.key = key;
            this.keyBytes = keyBytes(key);
        }

        long bytes() {
            long b = ENTRY_BYTES + keyBytes + headBytes;
            for (long c : chunkBytes) {
                b += c;
            }
            return b;
        }

        /** The slot holding chunk {@code i}, or -1. */
        int slotOf(long i) {
            for (int s = 0; s < CHUNKS_PER_GROUP; s++) {
                if (chunks[s] != null && index[s] == i) {
                    return s;
                }
            }
            return -1;
        }
    }

    private final long maxBytes;
    private final long headTtlMillis;
    private final long windowMillis;
    private final TtlClock clock;
    /** In access order: the first is the least recently used. */
    private final LinkedHashMap<String, Group> groups = new LinkedHashMap<>(16, 0.75f, true);
    /** Groups made dirty since the last flush (a group dropped meanwhile is no longer dirty: skipped). */
    private final ArrayList<Group> dirtyGroups = new ArrayList<>();
    private long bytes;
    private String key;
    private long windowEnd;
    private Group current;
    private long headHits;
    private long chunkHits;

    /**
     * @param maxBytes heap the cache may take, estimated (0: nothing is cached)
     * @param headTtlMillis the head state's TTL
     * @param windowMillis the window length (how far behind a group is stale)
     */
    public HistoryHeapCache(long maxBytes, long headTtlMillis, long windowMillis, TtlClock clock) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("the history cache's size must be 0 or more bytes, not " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.headTtlMillis = headTtlMillis;
        this.windowMillis = windowMillis;
        this.clock = clock;
    }

    /**
     * Selects the group of the element being processed and returns its cached head, or null: read
     * it from state. An expired head drops the group's entry (chunks too).
     */
    public HistoryHead head(String group, long elementWindowEnd) {
        key = group;
        windowEnd = elementWindowEnd;
        current = maxBytes == 0 ? null : groups.get(group);
        if (current == null) {
            return null;
        }
        if (expired(current)) {
            drop(current);
            groups.remove(group);
            current = null;
            return null;
        }
        headHits++;
        return current.head;
    }

    /** The head just written to state for the selected group (a copy is kept); {@code writtenAt} read before the write. */
    public void headWritten(HistoryHead written, long writtenAt) {
        long size = sizeOf(written);
        if (current == null) {
            current = admit(size);
            if (current == null) {
                return; // no room: nothing to copy
            }
        }
        HistoryHead head = written.copy();
        bytes += size - current.headBytes;
        current.head = head;
        current.headBytes = size;
        current.headWrittenAt = writtenAt;
    }

    /**
     * Write-behind: the selected group's head changed ({@code at}: the TTL clock's time now) and
     * stays here, dirty, as its newest head until {@link #flushDirty}; the caller does not write
     * it. False if the cache has no room for the group: write it through ({@link #headWritten}).
     * The cache's own head is kept as it is; any other is copied (a head read from the heap
     * backend's state is the state's own object).
     */
    public boolean headChanged(HistoryHead changed, long at) {
        long size = sizeOf(changed);
        if (current == null) {
            current = admit(size);
            if (current == null) {
                return false;
            }
        }
        HistoryHead head = changed == current.head ? changed : changed.copy();
        bytes += size - current.headBytes;
        current.head = head;
        current.headBytes = size;
        current.headWrittenAt = at;
        if (!current.dirty) {
            current.dirty = true;
            dirtyGroups.add(current);
        }
        return true;
    }

    /**
     * Hands a copy of every dirty head to {@code writer}, oldest change first, and marks it clean:
     * its TTL now counts from the write (the clock is read before each). Returns how many were written.
     */
    public int flushDirty(HeadWriter writer) throws Exception {
        int written = 0;
        for (Group g : dirtyGroups) {
            if (g.dirty) {
                long at = clock.millis();
                writer.write(g.key, g.head.copy()); // the heap backend keeps what it is given
                g.dirty = false;
                g.headWrittenAt = at;
                written++;
            }
        }
        dirtyGroups.clear();
        return written;
    }

    /** Groups whose head changed since the last {@link #flushDirty} (tests and a metric). */
    public int dirtyCount() {
        int n = 0;
        for (Group g : dirtyGroups) {
            n += g.dirty ? 1 : 0;
        }
        return n;
    }

    /** The TTL clock's time, to pass to {@link #headWritten} (read before the state write). */
    public long now() {
        return clock.millis();
    }

    /** The selected group's cached chunk at {@code index}, or null: read it from state. */
    public HistoryChunk chunk(long index) {
        if (current == null) {
            return null;
        }
        int s = current.slotOf(index);
        if (s < 0) {
            return null;
        }
        chunkHits++;
        return current.chunks[s];
    }

    /** A chunk of the selected group read from state by a point lookup: a copy is kept if there is room. */
    public void chunkRead(long index, HistoryChunk chunk) {
        if (current == null) {
            return;
        }
        int s = current.slotOf(index);
        if (s < 0) {
            // Round robin: the slot filled longest ago (the lags are read in the same order every window).
            s = current.next;
            current.next = (s + 1) % CHUNKS_PER_GROUP;
        }
        set(s, index, chunk.copy());
    }

    /**
     * A chunk of the selected group written to state: a copy replaces the kept one, if any. Not kept
     * otherwise: chunks are written once, when the next one opens, and most are next read by a
     * full scan (which the cache does not serve) or never; the lag ranges' chunks come in by their reads.
     */
    public void chunkWritten(long index, HistoryChunk chunk) {
        if (current == null) {
            return;
        }
        int s = current.slotOf(index);
        if (s >= 0) {
            set(s, index, chunk.copy());
        }
    }

    /** A chunk of the selected group removed from state. */
    public void chunkRemoved(long index) {
        if (current == null) {
            return;
        }
        int s = current.slotOf(index);
        if (s >= 0) {
            set(s, index, null);
        }
    }

    /** Every chunk of the selected group removed from state. */
    public void chunksCleared() {
        if (current == null) {
            return;
        }
        for (int s = 0; s < CHUNKS_PER_GROUP; s++) {
            set(s, 0, null);
        }
    }

    /** Heads served from the cache since it was made. */
    public long headHits() {
        return headHits;
    }

    /** Chunks served from the cache since it was made. */
    public long chunkHits() {
        return chunkHits;
    }

    /** Groups cached now. */
    public int size() {
        return groups.size();
    }

    /** The cached head and chunks of a group (none: empty), without selecting it or using it (tests). */
    public List<Object> peek(String group) {
        List<Object> l = new ArrayList<>();
        for (Map.Entry<String, Group> e : groups.entrySet()) { // not get: it would make the group most recently used
            if (e.getKey().equals(group)) {
                l.add(e.getValue().head);
                for (HistoryChunk c : e.getValue().chunks) {
                    if (c != null) {
                        l.add(c);
                    }
                }
            }
        }
        return l;
    }

    /** Estimated heap the cached heads and chunks take now. */
    public long bytes() {
        return bytes;
    }

    /** Estimated heap of a chunk: its arrays with their headers, and the object. */
    static long sizeOf(HistoryChunk c) {
        if (c == null) {
            return 0;
        }
        return CHUNK_BYTES + floats(c.cpu) + floats(c.memory) + floats(c.network) + doubles(c.storage)
                + doubles(c.bytesWritten) + floats(c.apiCalls) + floats(c.dataAccesses) + floats(c.uiEvents)
                + floats(c.users);
    }

    /** Estimated heap of a head: its arrays, its open chunk and the object. */
    static long sizeOf(HistoryHead h) {
        return HEAD_BYTES + doubles(h.summaries) + doubles(h.maxAbs) + sizeOf(h.open);
    }

    /** Estimated heap of a group's entry with this head and no chunks. */
    static long entryBytes(String group, HistoryHead head) {
        return ENTRY_BYTES + keyBytes(group) + sizeOf(head);
    }

    private static long keyBytes(String group) {
        return 40 + 2L * group.length(); // the String and its bytes (UTF-16 at worst)
    }

    private static long floats(float[] a) {
        return a == null ? 0 : 16 + 4L * a.length;
    }

    private static long doubles(double[] a) {
        return a == null ? 0 : 16 + 8L * a.length;
    }

    private void set(int slot, long index, HistoryChunk chunk) {
        long size = sizeOf(chunk);
        Group g = current;
        if (chunk != null && bytes - g.chunkBytes[slot] + size > maxBytes) {
            chunk = null; // no room: this chunk is read from state (a stale copy must not stay either)
            size = 0;
        }
        bytes += size - g.chunkBytes[slot];
        g.index[slot] = index;
        g.chunks[slot] = chunk;
        g.chunkBytes[slot] = size;
    }

    /** Takes a group's bytes off the total; a dirty head goes with it (only ever an expired one). */
    private void drop(Group g) {
        bytes -= g.bytes();
        g.dirty = false;
    }

    private boolean expired(Group g) {
        return clock.millis() - g.headWrittenAt >= headTtlMillis;
    }

    private Group admit(long headBytes) {
        if (maxBytes == 0) {
            return null;
        }
        long needed = ENTRY_BYTES + keyBytes(key) + headBytes;
        Iterator<Map.Entry<String, Group>> it = groups.entrySet().iterator();
        while (bytes + needed > maxBytes && it.hasNext()) {
            Group eldest = it.next().getValue();
            boolean behind = eldest.head.lastWindowEnd + STALE_WINDOWS * windowMillis < windowEnd;
            if (!expired(eldest) && (!behind || eldest.dirty)) {
                // The cached groups are as active as this one, or hold a head state has not got yet: keep them.
                return null;
            }
            drop(eldest);
            it.remove();
        }
        if (bytes + needed > maxBytes) {
            return null;
        }
        Group g = new Group(key);
        groups.put(key, g);
        bytes += ENTRY_BYTES + g.keyBytes; // the head's bytes are added by the caller
        return g;
    }
}
