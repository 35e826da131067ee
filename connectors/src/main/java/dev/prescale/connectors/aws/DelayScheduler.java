package dev.prescale.connectors.aws;

/** Runs a task later on the writer's own thread (in Flink: a processing-time timer in the mailbox). */
@FunctionalInterface
public interface DelayScheduler {
    void schedule(long delayMillis, Runnable task);
}
