package dev.prescale.job.demo;

import java.util.Optional;

/** Asks an Auto Scaling API for a group's current capacity; empty when there is no such group or no answer. */
public interface CapacityLookup extends AutoCloseable {

    Optional<GroupCapacity> lookup(String group);

    @Override
    void close();

    /** A lookup that never answers (no endpoint given). */
    static CapacityLookup none() {
        return new CapacityLookup() {
            @Override
            public Optional<GroupCapacity> lookup(String group) {
                return Optional.empty();
            }

            @Override
            public void close() {}
        };
    }
}
