package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.prescale.connectors.records.ScalingDecision;
import dev.prescale.connectors.records.Utilization;
import dev.prescale.job.scaling.ResourceOutlook;
import dev.prescale.job.scaling.TargetState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class TargetPreAggregatorTest {

    private static final long W = 60_000;
    private static final String[] NOTES = {"", "", "young history", "fallback: naive", null};

    /** Writes everything the decision function saw for a window into the decision, to compare two runs exactly. */
    static final class EchoDecider implements TargetDecider {
        private static final long serialVersionUID = 1L;

        @Override
        public ScalingDecision decide(String target, long decisionMillis, List<ResourceOutlook> outlooks, TargetState state) {
            StringBuilder b = new StringBuilder(target).append('@').append(decisionMillis);
            for (ResourceOutlook o : outlooks) {
                b.append(" | ").append(o.type()).append(" obs=").append(o.observed()).append(" hist=").append(o.historySteps())
                        .append(" p10=").append(Arrays.toString(o.forecast().p10()))
                        .append(" p50=").append(Arrays.toString(o.forecast().p50()))
                        .append(" p90=").append(Arrays.toString(o.forecast().p90()))
                        .append(" model=").append(o.forecast().model()).append(" note=").append(o.forecast().note())
                        .append(" err=").append(o.recentError());
            }
            ScalingDecision d = new ScalingDecision();
            d.reason = b.toString();
            return d;
        }
    }

    private static GroupForecast forecast(Random rnd, String group, String target, long windowEnd) {
        GroupForecast f = new GroupForecast();
        f.group = group;
        f.target = target;
        f.windowEnd = windowEnd;
        f.stepMillis = W;
        f.historySteps = 1 + rnd.nextInt(3000);
        f.observed = new double[4];
        f.p10 = new double[4][3];
        f.p50 = new double[4][3];
        f.p90 = new double[4][3];
        // Multiples of 1/8: their sums are exact in any order, so partial sums added up must give the very same doubles.
        for (int r = 0; r < 4; r++) {
            f.observed[r] = rnd.nextInt(800) / 8.0;
            for (int s = 0; s < 3; s++) {
                f.p10[r][s] = rnd.nextInt(40) == 0 ? Double.NaN : rnd.nextInt(80) / 8.0;
                f.p50[r][s] = rnd.nextInt(8_000) / 8.0;
                f.p90[r][s] = rnd.nextInt(8_000_000) / 8.0;
            }
        }
        f.model = "snaive/" + rnd.nextInt(2);
        f.note = NOTES[rnd.nextInt(NOTES.length)];
        return f;
    }

    private static OneInputStreamOperatorTestHarness<GroupForecast, TargetPartial> preAggregator(OperatorSubtaskState restore)
            throws Exception {
        OneInputStreamOperatorTestHarness<GroupForecast, TargetPartial> h = new OneInputStreamOperatorTestHarness<>(new TargetPreAggregator());
        if (restore != null) {
            h.initializeState(restore);
        }
        h.open();
        return h;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> decisions() throws Exception {
        return TargetDecisionFunctionTest.harness(new EchoDecider());
    }

    private static List<String> reasons(KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> h) {
        List<String> out = new ArrayList<>();
        for (ScalingDecision d : TargetDecisionFunctionTest.decisions(h)) {
            out.add(d.reason);
        }
        return out;
    }

    /** Hands the pre-aggregator's output, in order, to the decisions. */
    private static void forward(OneInputStreamOperatorTestHarness<GroupForecast, TargetPartial> from,
            KeyedTwoInputStreamOperatorTestHarness<String, TargetPartial, Utilization, ScalingDecision> to) throws Exception {
        Object o;
        while ((o = from.getOutput().poll()) != null) {
            if (o instanceof StreamRecord<?> r) {
                to.processElement1(new StreamRecord<>((TargetPartial) r.getValue(), r.getTimestamp()));
            } else if (o instanceof Watermark w) {
                to.processBothWatermarks(w);
            }
        }
    }

    @Test
    void theDecisionsSeeTheSameSumsAndNotesAsWithEveryForecastSentAlone() throws Exception {
        int decided = 0;
        int restores = 0;
        int late = 0;
        int idles = 0;
        for (int seed = 0; seed < 40; seed++) {
            Random rnd = new Random(seed);
            int groups = 1 + rnd.nextInt(30);
            String[] targetOf = new String[groups];
            for (int g = 0; g < groups; g++) {
                targetOf[g] = "t" + rnd.nextInt(1 + rnd.nextInt(4));
            }
            var pre = preAggregator(null);
            var viaPartials = decisions();
            var alone = decisions();
            long watermark = Long.MIN_VALUE;
            long checkpoint = 0;
            int windows = 2 + rnd.nextInt(8);
            for (int k = 1; k <= windows; k++) {
                long end = k * W;
                int n = rnd.nextInt(2 * groups + 1);
                for (int j = 0; j < n; j++) {
                    int g = rnd.nextInt(groups);
                    // Mostly this window; now and then one already decided (late at the decisions on both paths).
                    long windowEnd = k > 1 && rnd.nextInt(25) == 0 ? end - W : end;
                    late += windowEnd - 1 <= watermark ? 1 : 0;
                    GroupForecast f = forecast(rnd, "g" + g, targetOf[g], windowEnd);
                    alone.processElement1(new StreamRecord<>(TargetPartial.of(f), windowEnd - 1));
                    pre.processElement(new StreamRecord<>(f, windowEnd - 1));
                    if (rnd.nextInt(2 * groups + 1) == 0) {
                        // Idle for a moment: everything held goes out, and the window's later partials are merged at the decisions.
                        pre.processWatermarkStatus(WatermarkStatus.IDLE);
                        pre.processWatermarkStatus(WatermarkStatus.ACTIVE);
                        idles++;
                    }
                    if (rnd.nextInt(3 * groups + 1) == 0) {
                        // A checkpoint mid-window, and a restart from it: the held partials come back as they were.
                        OperatorSubtaskState s = pre.snapshot(++checkpoint, checkpoint);
                        forward(pre, viaPartials);
                        pre.close();
                        pre = preAggregator(s);
                        restores++;
                    }
                }
                if (rnd.nextInt(4) > 0 || k == windows) {
                    watermark = end - 1;
                    pre.processWatermark(new Watermark(watermark));
                    alone.processBothWatermarks(new Watermark(watermark));
                }
                forward(pre, viaPartials);
            }
            // The same decisions; targets deciding at one watermark may take turns in another order (independent keys).
            List<String> expected = reasons(alone);
            List<String> actual = reasons(viaPartials);
            expected.sort(null);
            actual.sort(null);
            assertThat(actual).as("seed %d", seed).isEqualTo(expected);
            assertThat(op(pre).heldPartials()).isZero();
            decided += expected.size();
            pre.close();
            viaPartials.close();
            alone.close();
        }
        System.out.println("target pre-aggregation: " + decided + " decisions, " + restores + " restores, " + idles + " idle flushes, " + late + " late forecasts");
        assertThat(decided).isGreaterThan(100);
        assertThat(restores).isGreaterThan(20);
        assertThat(late).isGreaterThan(5);
        assertThat(idles).isGreaterThan(20);
    }

    @Test
    void aWindowsPartialsGoOutOncePerTargetBeforeTheWatermarkThatDecidesIt() throws Exception {
        Random rnd = new Random(1);
        var pre = preAggregator(null);
        pre.processElement(new StreamRecord<>(forecast(rnd, "a", "t1", W), W - 1));
        pre.processElement(new StreamRecord<>(forecast(rnd, "b", "t2", W), W - 1));
        pre.processElement(new StreamRecord<>(forecast(rnd, "c", "t1", 2 * W), 2 * W - 1));
        pre.processElement(new StreamRecord<>(forecast(rnd, "d", "t1", W), W - 1));
        assertThat(pre.getOutput()).isEmpty();
        assertThat(op(pre).heldPartials()).isEqualTo(3);
        pre.processWatermark(new Watermark(W - 2));
        assertThat(drain(pre)).containsExactly("W:" + (W - 2));
        pre.processWatermark(new Watermark(W - 1));
        assertThat(drain(pre)).containsExactly("t1@" + W + ":2/" + (W - 1), "t2@" + W + ":1/" + (W - 1), "W:" + (W - 1));
        // Late now: alone and at once.
        pre.processElement(new StreamRecord<>(forecast(rnd, "e", "t1", W), W - 1));
        assertThat(drain(pre)).containsExactly("t1@" + W + ":1/" + (W - 1));
        assertThat(op(pre).heldPartials()).isEqualTo(1);
        pre.close();
    }

    @Test
    void anIdleStatusAndTheEndOfInputSendEverythingHeld() throws Exception {
        Random rnd = new Random(2);
        var pre = preAggregator(null);
        pre.processElement(new StreamRecord<>(forecast(rnd, "a", "t1", W), W - 1));
        pre.processWatermarkStatus(WatermarkStatus.IDLE);
        assertThat(drain(pre)).containsExactly("t1@" + W + ":1/" + (W - 1), "IDLE");
        pre.processElement(new StreamRecord<>(forecast(rnd, "b", "t1", 3 * W), 3 * W - 1));
        pre.endInput();
        assertThat(drain(pre)).containsExactly("t1@" + (3 * W) + ":1/" + (3 * W - 1));
        pre.close();
    }

    @Test
    void twoSubtasksHeldPartialsOfOneTargetAndWindowMergeOnRestore() throws Exception {
        Random rnd = new Random(3);
        GroupForecast a = forecast(rnd, "a", "t1", W);
        a.note = "young history";
        GroupForecast b = forecast(rnd, "b", "t1", W);
        b.note = "fallback: naive";
        GroupForecast c = forecast(rnd, "c", "t1", W);
        c.note = "young history";
        var one = preAggregator(null);
        one.processElement(new StreamRecord<>(a, W - 1));
        var two = preAggregator(null);
        two.processElement(new StreamRecord<>(b, W - 1));
        two.processElement(new StreamRecord<>(c, W - 1));
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repackageState(one.snapshot(1, 1), two.snapshot(1, 1));
        one.close();
        two.close();
        var restored = preAggregator(merged);
        assertThat(op(restored).heldPartials()).isEqualTo(1);
        restored.processWatermark(new Watermark(W - 1));
        TargetPartial p = (TargetPartial) ((StreamRecord<?>) restored.getOutput().poll()).getValue();
        TargetWindow expected = new TargetWindow();
        expected.add(a);
        expected.add(b);
        expected.add(c);
        assertThat(p.sums.groups).isEqualTo(3);
        assertThat(p.sums.note).isEqualTo(expected.note).isEqualTo("a: young history; b: fallback: naive");
        assertThat(p.sums.historySteps).isEqualTo(expected.historySteps);
        for (int r = 0; r < 4; r++) {
            assertThat(p.sums.observed[r]).isCloseTo(expected.observed[r], org.assertj.core.data.Offset.offset(1e-9));
            assertThat(p.sums.p90[r]).containsExactly(expected.p90[r], org.assertj.core.data.Offset.offset(1e-6));
        }
        restored.close();
    }

    private static TargetPreAggregator op(OneInputStreamOperatorTestHarness<GroupForecast, TargetPartial> h) {
        return (TargetPreAggregator) h.getOneInputOperator();
    }

    /** Output in order: partials as "target@windowEnd:groups/ts", watermarks as "W:ts", statuses by name. */
    private static List<String> drain(OneInputStreamOperatorTestHarness<GroupForecast, TargetPartial> h) {
        List<String> out = new ArrayList<>();
        Object o;
        while ((o = h.getOutput().poll()) != null) {
            if (o instanceof StreamRecord<?> r) {
                TargetPartial p = (TargetPartial) r.getValue();
                out.add(p.target + "@" + p.windowEnd() + ":" + p.sums.groups + "/" + r.getTimestamp());
            } else if (o instanceof Watermark w) {
                out.add("W:" + w.getTimestamp());
            } else if (o instanceof WatermarkStatus s) {
                out.add(s.isIdle() ? "IDLE" : "ACTIVE");
            }
        }
        return out;
    }
}
