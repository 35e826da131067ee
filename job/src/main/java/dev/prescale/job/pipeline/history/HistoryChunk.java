package dev.prescale.job.pipeline.history;

import java.util.Arrays;

/**
 * A fixed run of consecutive windows of one group's history (one entry of the chunk map), with a
 * bit per window that says whether the window was seen. Rates are floats (seven significant digits
 * are plenty for a forecast and halve the bytes written per window); the storage level and the
 * bytes written stay doubles because they are running byte totals that a float could not hold
 * exactly. The covariate arrays are null when the forecaster does not read covariates. A Flink
 * POJO so that Flink's POJO serializer (never Kryo) keeps it in state.
 */
public class HistoryChunk {
    /** Bit i set: window i of the chunk was seen. */
    public long present;
    public float[] cpu;
    public float[] memory;
    public float[] network;
    /** The storage level at each window, as recorded (see {@link ChunkedHistory#put}). */
    public double[] storage;
    public double[] bytesWritten;
    public float[] apiCalls;
    public float[] dataAccesses;
    public float[] uiEvents;
    public float[] users;

    public HistoryChunk() {}

    /**
     * An empty chunk, with or without the covariate series. Its arrays grow as windows are written
     * ({@link #ensureWindow}): the open chunk, rewritten with every window, is then only as long
     * as the windows it holds so far, not the chunk's length.
     */
    static HistoryChunk empty(boolean covariates) {
        HistoryChunk c = new HistoryChunk();
        c.cpu = new float[0];
        c.memory = new float[0];
        c.network = new float[0];
        c.storage = new double[0];
        c.bytesWritten = new double[0];
        if (covariates) {
            c.addCovariates();
        }
        return c;
    }

    /** Makes every array long enough for window {@code i} (a window not yet seen has no meaningful values). */
    void ensureWindow(int i) {
        if (i < cpu.length) {
            return;
        }
        int n = i + 1;
        cpu = Arrays.copyOf(cpu, n);
        memory = Arrays.copyOf(memory, n);
        network = Arrays.copyOf(network, n);
        storage = Arrays.copyOf(storage, n);
        bytesWritten = Arrays.copyOf(bytesWritten, n);
        if (hasCovariates()) {
            apiCalls = Arrays.copyOf(apiCalls, n);
            dataAccesses = Arrays.copyOf(dataAccesses, n);
            uiEvents = Arrays.copyOf(uiEvents, n);
            users = Arrays.copyOf(users, n);
        }
    }

    /** A deep copy: no array is shared with this chunk. */
    HistoryChunk copy() {
        HistoryChunk c = new HistoryChunk();
        c.present = present;
        c.cpu = clone(cpu);
        c.memory = clone(memory);
        c.network = clone(network);
        c.storage = storage == null ? null : storage.clone();
        c.bytesWritten = bytesWritten == null ? null : bytesWritten.clone();
        c.apiCalls = clone(apiCalls);
        c.dataAccesses = clone(dataAccesses);
        c.uiEvents = clone(uiEvents);
        c.users = clone(users);
        return c;
    }

    private static float[] clone(float[] a) {
        return a == null ? null : a.clone();
    }

    boolean has(int i) {
        return (present & (1L << i)) != 0;
    }

    boolean hasCovariates() {
        return apiCalls != null;
    }

    /**
     * Adds covariate arrays to a chunk written without them (the forecaster changed): windows seen
     * before have unknown covariates (NaN), not zero traffic.
     */
    void addCovariates() {
        int n = cpu.length;
        apiCalls = new float[n];
        dataAccesses = new float[n];
        uiEvents = new float[n];
        users = new float[n];
        if (present != 0) {
            Arrays.fill(apiCalls, Float.NaN);
            Arrays.fill(dataAccesses, Float.NaN);
            Arrays.fill(uiEvents, Float.NaN);
            Arrays.fill(users, Float.NaN);
        }
    }
}
