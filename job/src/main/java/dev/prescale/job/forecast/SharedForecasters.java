package dev.prescale.job.forecast;

import dev.prescale.models.Forecaster;
import java.util.HashMap;
import java.util.Map;

/**
 * One forecaster per model location and JVM (TaskManager), shared by every operator subtask that
 * asks for it and closed when the last one releases it: a model is loaded once, not per slot.
 */
public final class SharedForecasters {

    private static final class Entry {
        final Forecaster forecaster;
        int references;

        Entry(Forecaster forecaster) {
            this.forecaster = forecaster;
        }
    }

    private static final Map<String, Entry> ENTRIES = new HashMap<>();

    private SharedForecasters() {}

    /** The shared forecaster of the factory's location, created on first use. */
    public static synchronized Forecaster acquire(ForecasterFactory factory) throws Exception {
        Entry e = ENTRIES.get(factory.location());
        if (e == null) {
            e = new Entry(factory.create());
            ENTRIES.put(factory.location(), e);
        }
        e.references++;
        return e.forecaster;
    }

    /** Gives one reference back; the last one closes the forecaster. */
    public static synchronized void release(ForecasterFactory factory) {
        Entry e = ENTRIES.get(factory.location());
        if (e == null) {
            return;
        }
        if (--e.references <= 0) {
            ENTRIES.remove(factory.location());
            e.forecaster.close();
        }
    }

    /** References held on a location (for tests). */
    public static synchronized int references(String location) {
        Entry e = ENTRIES.get(location);
        return e == null ? 0 : e.references;
    }
}
