package dev.prescale.models;

import dev.prescale.models.lstm.LstmForecaster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JVM-wide holder of loaded LSTM forecasters, keyed by model directory and reference counted, so a
 * Flink TaskManager loads each model once however many subtasks use it, and frees it when the last
 * one releases it.
 */
public final class SharedForecasters {

    private static final Map<Path, Entry> LOADED = new HashMap<>();

    private static final class Entry {
        final LstmForecaster forecaster;
        int references;

        Entry(LstmForecaster forecaster) {
            this.forecaster = forecaster;
        }
    }

    private SharedForecasters() {}

    /** The forecaster of {@code dir}, loaded on first use; pair every call with {@link #release(Path)}. */
    public static synchronized Forecaster acquire(Path dir) throws IOException {
        Path key = dir.toAbsolutePath().normalize();
        Entry e = LOADED.get(key);
        if (e == null) {
            e = new Entry(LstmForecaster.load(key));
            LOADED.put(key, e);
        }
        e.references++;
        return e.forecaster;
    }

    /** Gives back one reference; the model is closed when none is left. */
    public static synchronized void release(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        Entry e = LOADED.get(key);
        if (e == null) {
            return;
        }
        if (--e.references <= 0) {
            LOADED.remove(key);
            e.forecaster.close();
        }
    }

    /** How many references {@code dir} has (0 when not loaded). */
    public static synchronized int references(Path dir) {
        Entry e = LOADED.get(dir.toAbsolutePath().normalize());
        return e == null ? 0 : e.references;
    }

    /** The directories loaded now. */
    public static synchronized List<Path> loaded() {
        return List.copyOf(LOADED.keySet());
    }
}
