package dev.prescale.connectors.aws.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prescale.connectors.aws.AutoScalingSinkConfig;
import dev.prescale.connectors.aws.AwsErrors;
import dev.prescale.connectors.aws.CurrentAllocation;
import dev.prescale.connectors.aws.DefaultAutoScalingClientProvider;
import dev.prescale.connectors.aws.FatalError;
import dev.prescale.connectors.aws.MutableClock;
import dev.prescale.connectors.aws.SdkCurrentAllocationReader;
import dev.prescale.connectors.aws.SinkMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.autoscaling.AutoScalingAsyncClient;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.DescribeWarmPoolResponse;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/** The REAL SDK v2 client (SigV4-signed, Query protocol) against the local endpoint. */
class LocalAutoScalingEndpointTest {
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);
    private LocalAutoScalingEndpoint endpoint;
    private AutoScalingAsyncClient client;

    @BeforeAll
    static void fakeCredentials() {
        // The default provider chain reads these; the endpoint accepts any signature.
        System.setProperty("aws.accessKeyId", "AKIDLOCALTEST");
        System.setProperty("aws.secretAccessKey", "local-secret");
    }

    @BeforeEach
    void start() throws Exception {
        endpoint = LocalAutoScalingEndpoint.start(0, clock, LaunchTimings.defaults());
        endpoint.service().createGroup("web", 1, 20, 2);
        client = new DefaultAutoScalingClientProvider().create(AutoScalingSinkConfig.builder()
                .mode(SinkMode.APPLY).region("eu-west-1").endpointOverride(endpoint.url())
                .apiCallAttemptTimeout(Duration.ofSeconds(2)).build());
    }

    @AfterEach
    void stop() {
        client.close();
        endpoint.close();
    }

    private AutoScalingGroup describe(String name) {
        List<AutoScalingGroup> groups = client.describeAutoScalingGroups(b -> b.autoScalingGroupNames(name)).join().autoScalingGroups();
        assertThat(groups).hasSize(1);
        return groups.get(0);
    }

    @Test
    void describeSetDesiredCapacityAndPutWarmPoolRoundTrip() {
        AutoScalingGroup g = describe("web");
        assertThat(g.minSize()).isEqualTo(1);
        assertThat(g.maxSize()).isEqualTo(20);
        assertThat(g.desiredCapacity()).isEqualTo(2);
        assertThat(g.instances()).extracting(i -> i.lifecycleState()).containsOnly(LifecycleState.IN_SERVICE);
        assertThat(g.warmPoolConfiguration()).isNull();

        client.setDesiredCapacity(b -> b.autoScalingGroupName("web").desiredCapacity(5).honorCooldown(false)).join();
        client.putWarmPool(b -> b.autoScalingGroupName("web").minSize(2).maxGroupPreparedCapacity(2).poolState("Stopped")
                .instanceReusePolicy(p -> p.reuseOnScaleIn(true))).join();

        // Request shapes as AWS documents them.
        LocalAutoScalingEndpoint.RecordedCall set = endpoint.calls("SetDesiredCapacity").get(0);
        assertThat(set.params).containsEntry("Version", "2011-01-01").containsEntry("AutoScalingGroupName", "web")
                .containsEntry("DesiredCapacity", "5").containsEntry("HonorCooldown", "false");
        LocalAutoScalingEndpoint.RecordedCall put = endpoint.calls("PutWarmPool").get(0);
        assertThat(put.params).containsEntry("MinSize", "2").containsEntry("MaxGroupPreparedCapacity", "2")
                .containsEntry("PoolState", "Stopped").containsEntry("InstanceReusePolicy.ReuseOnScaleIn", "true");
        assertThat(endpoint.calls("DescribeAutoScalingGroups").get(0).params).containsEntry("AutoScalingGroupNames.member.1", "web");

        g = describe("web");
        assertThat(g.desiredCapacity()).isEqualTo(5);
        assertThat(g.instances()).filteredOn(i -> i.lifecycleState() == LifecycleState.PENDING).hasSize(3);
        assertThat(g.warmPoolConfiguration().minSize()).isEqualTo(2);
        assertThat(g.warmPoolConfiguration().maxGroupPreparedCapacity()).isEqualTo(2);
        assertThat(g.warmPoolConfiguration().poolStateAsString()).isEqualTo("Stopped");
        assertThat(g.warmPoolConfiguration().instanceReusePolicy().reuseOnScaleIn()).isTrue();
        assertThat(g.warmPoolSize()).isEqualTo(2);

        DescribeWarmPoolResponse pool = client.describeWarmPool(b -> b.autoScalingGroupName("web")).join();
        assertThat(pool.instances()).extracting(i -> i.lifecycleState()).containsOnly(LifecycleState.WARMED_PENDING);
        clock.advance(Duration.ofSeconds(600));
        pool = client.describeWarmPool(b -> b.autoScalingGroupName("web")).join();
        assertThat(pool.instances()).extracting(i -> i.lifecycleState()).containsOnly(LifecycleState.WARMED_STOPPED);

        CurrentAllocation now;
        try (SdkCurrentAllocationReader reader = new SdkCurrentAllocationReader(new DefaultAutoScalingClientProvider()
                .create(AutoScalingSinkConfig.builder().endpointOverride(endpoint.url()).build()))) {
            now = reader.read(List.of("web", "missing")).join().get(0);
        }
        assertThat(now.inService).isEqualTo(5);
        assertThat(now.desiredCapacity).isEqualTo(5);
        assertThat(now.warmPoolSize).isEqualTo(2);
        assertThat(now.toUtilization(42L).inService).isEqualTo(5);
    }

    @Test
    void createAutoScalingGroupLiteAndUnknownGroups() {
        client.createAutoScalingGroup(b -> b.autoScalingGroupName("api").minSize(0).maxSize(4).desiredCapacity(1)).join();
        assertThat(describe("api").instances()).hasSize(1);
        assertThat(client.describeAutoScalingGroups(b -> b.autoScalingGroupNames("nope")).join().autoScalingGroups()).isEmpty();

        Throwable error = catchJoin(() -> client.setDesiredCapacity(b -> b.autoScalingGroupName("nope").desiredCapacity(1)).join());
        assertThat(error).isInstanceOf(AwsServiceException.class);
        assertThat(((AwsServiceException) error).statusCode()).isEqualTo(400);
        assertThat(AwsErrors.errorCode(error)).isEqualTo("ValidationError");
        assertThat(AwsErrors.classify(AwsErrors.defaultChain(), error)).get().extracting(FatalError::kind)
                .isEqualTo(FatalError.Kind.UNKNOWN_GROUP);

        Throwable above = catchJoin(() -> client.setDesiredCapacity(b -> b.autoScalingGroupName("api").desiredCapacity(9)).join());
        assertThat(AwsErrors.classify(AwsErrors.defaultChain(), above)).get().extracting(FatalError::kind)
                .isEqualTo(FatalError.Kind.VALIDATION);
    }

    @Test
    void injectedFaultsArriveAsTheSdkSeesRealAwsErrors() throws Exception {
        endpoint.faults().throttleNext(1);
        Throwable throttled = catchJoin(() -> describe("web"));
        assertThat(((AwsServiceException) throttled).statusCode()).isEqualTo(400);
        assertThat(AwsErrors.errorCode(throttled)).isEqualTo("Throttling");
        assertThat(AwsErrors.isRetryable(throttled)).isTrue();
        assertThat(AwsErrors.classify(AwsErrors.defaultChain(), throttled)).isEmpty();

        endpoint.faults().serverErrorNext(1, 503);
        Throwable unavailable = catchJoin(() -> describe("web"));
        assertThat(((AwsServiceException) unavailable).statusCode()).isEqualTo(503);
        assertThat(AwsErrors.isRetryable(unavailable)).isTrue();

        endpoint.faults().errorNext(1, 403, "AccessDenied", "User: arn:aws:iam::0:user/x is not authorized to perform: autoscaling:SetDesiredCapacity");
        Throwable denied = catchJoin(() -> describe("web"));
        assertThat(AwsErrors.classify(AwsErrors.defaultChain(), denied)).get().extracting(FatalError::kind)
                .isEqualTo(FatalError.Kind.ACCESS_DENIED);

        endpoint.faults().downFor(Duration.ofSeconds(30));
        Throwable down = catchJoin(() -> describe("web"));
        assertThat(down).isInstanceOf(SdkClientException.class);
        assertThat(AwsErrors.isRetryable(down)).isTrue();
        clock.advance(Duration.ofSeconds(30));
        assertThat(describe("web").desiredCapacity()).isEqualTo(2);

        endpoint.faults().delayAnswers(Duration.ofSeconds(3));
        Throwable slow = catchJoin(() -> describe("web"));
        assertThat(AwsErrors.isRetryable(slow)).as("attempt timeout: %s", slow).isTrue();
        endpoint.faults().delayAnswers(Duration.ZERO);
        assertThat(endpoint.faults().injectedCount()).isEqualTo(4);
    }

    @Test
    void adminPathsDriveFaultsAndShowState() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        assertThat(admin(http, "group?name=api&min=0&max=5&desired=1").statusCode()).isEqualTo(200);
        assertThat(admin(http, "throttle?count=2").statusCode()).isEqualTo(200);
        assertThat(catchJoin(() -> describe("api"))).isInstanceOf(AwsServiceException.class);
        assertThat(catchJoin(() -> describe("api"))).isInstanceOf(AwsServiceException.class);
        assertThat(describe("api").desiredCapacity()).isEqualTo(1);
        admin(http, "error?count=1&status=500&code=InternalFailure");
        assertThat(((AwsServiceException) catchJoin(() -> describe("api"))).statusCode()).isEqualTo(500);
        String state = admin(http, "state").body();
        assertThat(state).contains("web min=1 max=20 desired=2 inService=2").contains("api min=0 max=5 desired=1");
        assertThat(admin(http, "nothing").statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> admin(HttpClient http, String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(endpoint.url() + "/admin/" + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Throwable catchJoin(Runnable call) {
        try {
            call.run();
        } catch (CompletionException e) {
            return e.getCause();
        } catch (RuntimeException e) {
            return e;
        }
        throw new AssertionError("expected the call to fail");
    }
}
