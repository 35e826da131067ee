package dev.prescale.connectors.aws;

import java.util.Optional;

/** One link of the fatal-error chain: says whether an error is fatal, and why. */
@FunctionalInterface
public interface FatalErrorClassifier {
    /** The fatal error this throwable stands for, or empty if this classifier does not know it. */
    Optional<FatalError> classify(Throwable error);
}
