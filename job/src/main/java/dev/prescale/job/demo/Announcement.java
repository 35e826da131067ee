package dev.prescale.job.demo;

import dev.prescale.connectors.records.ScheduledEvent;

/** A scheduled event and the simulated time at which the producer publishes it. */
public record Announcement(long publishAtMillis, ScheduledEvent event) {}
