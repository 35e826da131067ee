package dev.prescale.connectors.aws;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Reads the current allocation of Auto Scaling groups; the job polls it to emit {@code inService}. */
public interface CurrentAllocationReader extends AutoCloseable {
    /** The groups found (unknown names are simply absent). */
    CompletableFuture<List<CurrentAllocation>> read(List<String> groups);

    @Override
    void close();
}
