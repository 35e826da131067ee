package dev.prescale.connectors.aws;

/** DescribeAutoScalingGroups returned no group of this name (AWS answers that with an empty list). */
public final class UnknownGroupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownGroupException(String group) {
        super("Auto Scaling group not found: " + group);
    }
}
