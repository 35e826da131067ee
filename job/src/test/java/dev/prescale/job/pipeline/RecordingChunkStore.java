package dev.prescale.job.pipeline;

import dev.prescale.job.pipeline.history.ChunkStore;
import dev.prescale.job.pipeline.history.HistoryChunk;
import java.util.HashMap;
import java.util.Map;

/** A {@link ChunkStore} in a map that counts its calls and the most chunks it ever held. */
final class RecordingChunkStore implements ChunkStore {
    final Map<Long, HistoryChunk> chunks = new HashMap<>();
    int gets;
    int puts;
    int removes;
    int clears;
    int scans;
    int maxEntries;

    @Override
    public HistoryChunk get(long index) {
        gets++;
        return chunks.get(index);
    }

    @Override
    public void put(long index, HistoryChunk chunk) {
        puts++;
        chunks.put(index, chunk);
        maxEntries = Math.max(maxEntries, chunks.size());
    }

    @Override
    public void remove(long index) {
        removes++;
        chunks.remove(index);
    }

    @Override
    public void clear() {
        clears++;
        chunks.clear();
    }

    @Override
    public Iterable<Map.Entry<Long, HistoryChunk>> entries() {
        scans++;
        return chunks.entrySet();
    }
}
