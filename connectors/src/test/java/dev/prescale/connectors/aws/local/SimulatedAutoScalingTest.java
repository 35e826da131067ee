package dev.prescale.connectors.aws.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.prescale.connectors.aws.MutableClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedAutoScalingTest {
    private final MutableClock clock = new MutableClock(1_700_000_000_000L);

    private SimulatedAutoScaling.GroupView view(SimulatedAutoScaling s) {
        return s.group("web");
    }

    @Test
    void coldLaunchIsInServiceAfterTenMinutes() {
        SimulatedAutoScaling s = new SimulatedAutoScaling(clock, LaunchTimings.defaults());
        s.createGroup("web", 1, 20, 2);
        assertThat(view(s).inService()).isEqualTo(2);
        s.setDesiredCapacity("web", 5);
        assertThat(view(s).pending()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(599));
        assertThat(view(s).inService()).isEqualTo(2);
        clock.advance(Duration.ofSeconds(1));
        assertThat(view(s).inService()).isEqualTo(5);
        assertThat(view(s).pending()).isZero();
    }

    @Test
    void warmPoolIsPreparedThenServesScaleOutFasterAndIsRefilled() {
        SimulatedAutoScaling s = new SimulatedAutoScaling(clock, LaunchTimings.defaults());
        s.createGroup("web", 1, 20, 2);
        s.putWarmPool("web", 3, 3, "Stopped", false);
        assertThat(view(s).warmPreparing()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(600));
        assertThat(view(s).warmReady()).isEqualTo(3);
        assertThat(view(s).count("Warmed:Stopped")).isEqualTo(3);

        // Scale out by 4: three from the warm pool (120 s), one cold (600 s); the pool is refilled.
        s.setDesiredCapacity("web", 6);
        assertThat(view(s).pending()).isEqualTo(4);
        assertThat(view(s).warmPreparing()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(120));
        assertThat(view(s).inService()).isEqualTo(5);
        clock.advance(Duration.ofSeconds(480));
        assertThat(view(s).inService()).isEqualTo(6);
        assertThat(view(s).warmReady()).isEqualTo(3);
    }

    @Test
    void warmPoolSizeFollowsAwsRuleWithoutMaxPreparedCapacity() {
        assertThat(SimulatedAutoScaling.warmPoolTarget(0, -1, 10, 4)).isEqualTo(6);
        assertThat(SimulatedAutoScaling.warmPoolTarget(2, 5, 10, 4)).isEqualTo(2);
        assertThat(SimulatedAutoScaling.warmPoolTarget(3, 3, 10, 1)).isEqualTo(3);
        assertThat(SimulatedAutoScaling.warmPoolTarget(0, 8, 10, 4)).isEqualTo(4);
    }

    @Test
    void scaleInCancelsPendingLaunchesNewestFirstThenRemovesInService() {
        SimulatedAutoScaling s = new SimulatedAutoScaling(clock, LaunchTimings.defaults());
        s.createGroup("web", 0, 20, 3);
        s.setDesiredCapacity("web", 5);
        clock.advance(Duration.ofSeconds(300));
        s.setDesiredCapacity("web", 7);
        List<SimulatedAutoScaling.SimInstance> before = view(s).instances;
        String newestPending = before.get(before.size() - 1).id;
        s.setDesiredCapacity("web", 6);
        assertThat(view(s).instances).extracting(i -> i.id).doesNotContain(newestPending);
        assertThat(view(s).pending()).isEqualTo(3);
        s.setDesiredCapacity("web", 2);
        assertThat(view(s).pending()).isZero();
        assertThat(view(s).inService()).isEqualTo(2);
    }

    @Test
    void timeCompressionShortensEveryDelay() {
        SimulatedAutoScaling s = new SimulatedAutoScaling(clock, LaunchTimings.defaults().compressedBy(60));
        s.createGroup("web", 0, 20, 0);
        s.putWarmPool("web", 1, 1, "Stopped", false);
        s.setDesiredCapacity("web", 2);
        clock.advance(Duration.ofSeconds(9));
        assertThat(view(s).inService()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(view(s).inService()).isEqualTo(2);
        assertThat(view(s).warmReady()).isEqualTo(1);
    }

    @Test
    void refusesValuesOutsideTheGroupAndUnknownGroups() {
        SimulatedAutoScaling s = new SimulatedAutoScaling(clock, LaunchTimings.defaults());
        s.createGroup("web", 1, 4, 2);
        assertThatThrownBy(() -> s.setDesiredCapacity("web", 5)).isInstanceOf(AutoScalingApiException.class)
                .hasMessageContaining("above max value 4");
        assertThatThrownBy(() -> s.setDesiredCapacity("nope", 1))
                .isInstanceOfSatisfying(AutoScalingApiException.class, e -> assertThat(e.code()).isEqualTo("ValidationError"))
                .hasMessageContaining("not found");
        assertThatThrownBy(() -> s.createGroup("web", 1, 4, 2))
                .isInstanceOfSatisfying(AutoScalingApiException.class, e -> assertThat(e.code()).isEqualTo("AlreadyExists"));
    }
}
