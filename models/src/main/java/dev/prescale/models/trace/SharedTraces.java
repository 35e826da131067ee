package dev.prescale.models.trace;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the shared demand traces are: {@code $PRESCALE_DATA_DIR/traces}, else
 * {@code ../shared/data/traces} beside the checkout (the command-line tools run from the repository
 * root). The traces are read from there and never copied into the repository.
 */
public final class SharedTraces {
    private SharedTraces() {}

    /** The default traces folder. */
    public static Path defaultDir() {
        String env = System.getenv("PRESCALE_DATA_DIR");
        String data = env != null && !env.isBlank() ? env : System.getProperty("prescale.data.dir", "../shared/data");
        return Paths.get(data, "traces");
    }
}
