package dev.prescale.connectors.aws;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** AWS-shaped exceptions for tests, as the SDK would raise them. */
final class Errors {
    private Errors() {}

    static AwsServiceException aws(int status, String code, String message) {
        return AwsServiceException.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("AutoScaling").build())
                .build();
    }

    static AwsServiceException throttling() {
        return aws(400, "Throttling", "Rate exceeded");
    }

    static SdkClientException unreachable() {
        return SdkClientException.create("Unable to execute HTTP request: Connection refused");
    }
}
