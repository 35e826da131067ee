package dev.prescale.job.pipeline.history;

import java.util.Map;

/** Where a group's history chunks live, by chunk index: Flink map state in the job, a map in tests. */
public interface ChunkStore {

    /** The chunk at {@code index}, or null. */
    HistoryChunk get(long index) throws Exception;

    /** Writes (or replaces) the chunk at {@code index}. */
    void put(long index, HistoryChunk chunk) throws Exception;

    /** Removes the chunk at {@code index} (nothing if there is none). */
    void remove(long index) throws Exception;

    /** Removes every chunk of the group. */
    void clear() throws Exception;

    /**
     * Every chunk of the group, in any order: one scan instead of a lookup per chunk when most of
     * them are needed (in RocksDB one seek and sequential reads, not one point lookup each).
     */
    Iterable<Map.Entry<Long, HistoryChunk>> entries() throws Exception;
}
