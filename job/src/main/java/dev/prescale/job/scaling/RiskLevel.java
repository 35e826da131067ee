package dev.prescale.job.scaling;

/** How far a forecast is trusted; {@link #REACTIVE} means it is not used at all. */
public enum RiskLevel {
    HIGH,
    MEDIUM,
    LOW,
    REACTIVE
}
