package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.job.pipeline.history.ChunkedHistory;
import dev.prescale.job.pipeline.history.HistoryChunk;
import dev.prescale.job.pipeline.history.HistoryHead;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The open chunk lives in the head: heads written before that (their open chunk still in the chunk
 * map) read and continue exactly as heads written after, and where the map still holds an older
 * copy of the head's chunk, the head's wins.
 */
class OpenChunkInHeadTest {
    private static final long W = HistorySequences.W;

    @Test
    void aHeadFromBeforeTheOpenChunkMovedInContinuesAsIfItHadAlwaysBeenThere() throws Exception {
        int capacity = 40;
        for (long seed = 1; seed <= 40; seed++) {
            List<GroupWindow> input = HistorySequences.random("g", seed, 400, capacity);
            for (boolean covariates : new boolean[] {false, true}) {
                ChunkedHistory history = new ChunkedHistory(capacity, W, 8, covariates);
                RecordingChunkStore now = new RecordingChunkStore();
                RecordingChunkStore old = new RecordingChunkStore();
                HistoryHead a = null;
                HistoryHead b = null;
                int convertAt = 50 + (int) (seed * 7 % 200);
                for (int k = 0; k < input.size(); k++) {
                    GroupWindow w = input.get(k);
                    a = history.put(a, w, now);
                    b = history.put(b, w, old);
                    if (k == convertAt) {
                        // What a head and map written before this change hold: the open chunk in the map.
                        b = copy(b);
                        old.chunks.replaceAll((i, c) -> copy(c));
                        if (b.open != null) {
                            old.chunks.put(b.openIndex, b.open);
                            b.open = null;
                        }
                    }
                    long last = a.lastWindowEnd;
                    int steps = history.historySteps(a, last);
                    assertThat(history.historySteps(b, last)).isEqualTo(steps);
                    if (steps > 0) {
                        assertThat(filled(history, b, last, steps, old)).as("seed %d window %d", seed, k)
                                .isDeepEqualTo(filled(history, a, last, steps, now));
                    }
                }
                assertThat(a.open).as("the new layout keeps its open chunk in the head").isNotNull();
            }
        }
    }

    @Test
    void theHeadsChunkWinsOverAnOlderCopyInTheMap() throws Exception {
        ChunkedHistory history = new ChunkedHistory(10, W, 4, false);
        RecordingChunkStore store = new RecordingChunkStore();
        HistoryHead head = null;
        long n0 = HistorySequences.BASE - HistorySequences.BASE % 4; // the first window of a chunk
        for (long n = n0; n < n0 + 6; n++) {
            GroupWindow w = HistorySequences.window("g", n, new java.util.Random(n), false);
            w.cpuCores = n - n0 + 1;
            head = history.put(head, w, store);
        }
        // Windows n0..n0+3 in the map, n0+4..n0+5 open in the head; plant a stale copy of the open chunk.
        HistoryChunk stale = copy(head.open);
        stale.cpu[0] = -1;
        store.chunks.put(head.openIndex, stale);
        double[][] resources = new double[4][6];
        // Six windows: a scan (two chunks would be looked up one by one, so ask for the whole context).
        history.fill(head, head.lastWindowEnd, 6, store, resources, null);
        assertThat(resources[0]).containsExactly(1, 2, 3, 4, 5, 6);
        double[][] lags = new double[4][2];
        history.fillLagsSparse(head, head.lastWindowEnd, 6, new int[] {1, 2}, store, lags);
        assertThat(lags[0]).containsExactly(5, 6); // lag 2, then lag 1
    }

    private static double[][] filled(ChunkedHistory history, HistoryHead head, long last, int steps,
            RecordingChunkStore store) throws Exception {
        double[][] resources = new double[4][steps];
        double[][] covariates = history.covariates() ? new double[ChunkedHistory.COVARIATES.length][steps] : null;
        history.fill(head, last, steps, store, resources, covariates);
        return covariates == null ? resources : concat(resources, covariates);
    }

    private static double[][] concat(double[][] a, double[][] b) {
        double[][] out = new double[a.length + b.length][];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** A deep copy, as a state backend that serializes (RocksDB) would hand out. */
    private static HistoryHead copy(HistoryHead h) {
        HistoryHead c = new HistoryHead();
        c.windowMillis = h.windowMillis;
        c.chunkWindows = h.chunkWindows;
        c.firstWindowEnd = h.firstWindowEnd;
        c.lastWindowEnd = h.lastWindowEnd;
        c.storageTotal = h.storageTotal;
        c.oldestChunk = h.oldestChunk;
        c.summaries = h.summaries == null ? null : h.summaries.clone();
        c.summaryKey = h.summaryKey;
        c.summaryPlan = h.summaryPlan;
        c.maxAbs = h.maxAbs == null ? null : h.maxAbs.clone();
        c.open = h.open == null ? null : copy(h.open);
        c.openIndex = h.openIndex;
        return c;
    }

    private static HistoryChunk copy(HistoryChunk h) {
        HistoryChunk c = new HistoryChunk();
        c.present = h.present;
        c.cpu = h.cpu.clone();
        c.memory = h.memory.clone();
        c.network = h.network.clone();
        c.storage = h.storage.clone();
        c.bytesWritten = h.bytesWritten.clone();
        if (h.apiCalls != null) {
            c.apiCalls = h.apiCalls.clone();
            c.dataAccesses = h.dataAccesses.clone();
            c.uiEvents = h.uiEvents.clone();
            c.users = h.users.clone();
        }
        return c;
    }

}
