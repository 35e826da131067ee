package dev.prescale.connectors.aws;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Error classification for Auto Scaling calls: the fatal-error classifier chain (access denied,
 * unknown group, validation) and the retryable set (throttling, contention, activity in progress,
 * 5xx, timeouts and connection failures).
 */
public final class AwsErrors {
    private static final Set<String> RETRYABLE_CODES = Set.of(
            "Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequestsException",
            "ResourceContention", "ScalingActivityInProgress", "InternalFailure", "InternalError",
            "ServiceUnavailable", "RequestTimeout", "RequestTimeoutException");
    private static final Set<String> ACCESS_DENIED_CODES = Set.of(
            "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "InvalidClientTokenId",
            "UnrecognizedClientException", "SignatureDoesNotMatch", "ExpiredToken", "AuthFailure",
            "MissingAuthenticationToken", "OptInRequired");

    private AwsErrors() {}

    /** The cause behind CompletableFuture wrappers. */
    public static Throwable unwrap(Throwable error) {
        Throwable t = error;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** The AWS error code, or null when the error did not come from the service. */
    public static String errorCode(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof AwsServiceException) {
            AwsServiceException e = (AwsServiceException) t;
            return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        }
        return null;
    }

    /** Whether retrying later may succeed. */
    public static boolean isRetryable(Throwable error) {
        Throwable t = unwrap(error);
        if (t instanceof AwsServiceException) {
            AwsServiceException e = (AwsServiceException) t;
            String code = errorCode(e);
            if (code != null && RETRYABLE_CODES.contains(code)) {
                return true;
            }
            return e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException();
        }
        // Client-side failures are connection refused/reset, attempt and call timeouts: AWS was not reached.
        return t instanceof SdkClientException || t instanceof IOException || t instanceof TimeoutException
                || (t instanceof SdkException && ((SdkException) t).retryable());
    }

    /** Access denied and credential failures: the role lacks a permission or the credentials are bad. */
    public static FatalErrorClassifier accessDenied() {
        return error -> {
            Throwable t = unwrap(error);
            String code = errorCode(t);
            boolean denied = (code != null && ACCESS_DENIED_CODES.contains(code))
                    || (t instanceof AwsServiceException && ((AwsServiceException) t).statusCode() == 403);
            return denied ? Optional.of(new FatalError(FatalError.Kind.ACCESS_DENIED, describe(t))) : Optional.empty();
        };
    }

    /** The group does not exist (an empty Describe answer, or AWS's "name not found" validation error). */
    public static FatalErrorClassifier unknownGroup() {
        return error -> {
            Throwable t = unwrap(error);
            if (t instanceof UnknownGroupException) {
                return Optional.of(new FatalError(FatalError.Kind.UNKNOWN_GROUP, t.getMessage()));
            }
            String code = errorCode(t);
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if ("ValidationError".equals(code) && message.contains("not found")) {
                return Optional.of(new FatalError(FatalError.Kind.UNKNOWN_GROUP, describe(t)));
            }
            return Optional.empty();
        };
    }

    /** Any other 4xx the service refused the request with (bad values, limits broken). */
    public static FatalErrorClassifier validation() {
        return error -> {
            Throwable t = unwrap(error);
            if (t instanceof AwsServiceException && !isRetryable(t)) {
                int status = ((AwsServiceException) t).statusCode();
                if (status >= 400 && status < 500) {
                    return Optional.of(new FatalError(FatalError.Kind.VALIDATION, describe(t)));
                }
            }
            if (t instanceof IllegalArgumentException) {
                return Optional.of(new FatalError(FatalError.Kind.VALIDATION, describe(t)));
            }
            return Optional.empty();
        };
    }

    /** The default chain, most specific first. */
    public static List<FatalErrorClassifier> defaultChain() {
        return List.of(accessDenied(), unknownGroup(), validation());
    }

    /**
     * Runs the chain; an error no classifier knows and that is not retryable is fatal as
     * UNCLASSIFIED (retrying a bug forever would hide it). Empty means: retry.
     */
    public static Optional<FatalError> classify(List<FatalErrorClassifier> chain, Throwable error) {
        for (FatalErrorClassifier classifier : chain) {
            Optional<FatalError> fatal = classifier.classify(error);
            if (fatal.isPresent()) {
                return fatal;
            }
        }
        if (isRetryable(error)) {
            return Optional.empty();
        }
        return Optional.of(new FatalError(FatalError.Kind.UNCLASSIFIED, describe(unwrap(error))));
    }

    private static String describe(Throwable t) {
        String code = errorCode(t);
        String message = t instanceof AwsServiceException && ((AwsServiceException) t).awsErrorDetails() != null
                ? ((AwsServiceException) t).awsErrorDetails().errorMessage()
                : t.getMessage();
        return (code != null ? code : t.getClass().getSimpleName()) + ": " + message;
    }
}
