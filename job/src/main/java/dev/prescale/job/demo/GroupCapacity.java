package dev.prescale.job.demo;

/** What an Auto Scaling group has right now: desired capacity, instances in service and launching, warm pool. */
public record GroupCapacity(int desired, int inService, int pending, int warmPool) {}
