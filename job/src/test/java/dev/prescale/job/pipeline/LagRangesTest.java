package dev.prescale.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** The sparse form of a task's series: clipping, layout, expansion and clearing; the task stays a POJO. */
class LagRangesTest {

    @Test
    void clipKeepsTheNonEmptyPartsInsideTheHistoryInTheirOrder() {
        assertThat(LagRanges.clip(new int[] {1, 5, 1426, 1440}, 2880)).containsExactly(1, 5, 1426, 1440);
        assertThat(LagRanges.clip(new int[] {1, 5, 1426, 1440}, 1430)).containsExactly(1, 5, 1426, 1430);
        assertThat(LagRanges.clip(new int[] {0, 3, 9, 12, 4, 2}, 8)).containsExactly(1, 3);
        assertThat(LagRanges.clip(new int[] {106, 120, 1, 7}, 200)).containsExactly(106, 120, 1, 7);
        assertThat(LagRanges.clip(new int[0], 10)).isEmpty();
    }

    @Test
    void rangesFollowOneAnotherEachOldestFirst() {
        int[] ranges = {1, 3, 6, 7};
        double[] full = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19}; // lag 1 = 19, lag 7 = 13
        double[] sparse = {17, 18, 19, 13, 14};
        assertThat(LagRanges.length(ranges)).isEqualTo(5);
        assertThat(LagRanges.indexOfLastValue(ranges)).isEqualTo(2);
        assertThat(LagRanges.indexOfLastValue(new int[] {6, 7, 1, 3})).isEqualTo(4);
        assertThat(LagRanges.indexOfLastValue(new int[] {2, 3})).isEqualTo(-1);
        double[] expanded = new double[10];
        Arrays.fill(expanded, Double.NaN);
        LagRanges.expandInto(sparse, ranges, expanded);
        for (int i = 0; i < 10; i++) {
            boolean inRange = i >= 7 || (i >= 3 && i <= 4);
            if (inRange) {
                assertThat(expanded[i]).as("position %d", i).isEqualTo(full[i]);
            } else {
                assertThat(expanded[i]).as("position %d", i).isNaN();
            }
        }
        LagRanges.clear(ranges, expanded);
        assertThat(expanded).containsOnly(Double.NaN);
    }

    @Test
    void aTaskExpandsItsSeriesToTheirFullLength() {
        ForecastTask t = new ForecastTask();
        t.historySteps = 6;
        t.lagRanges = new int[] {1, 2, 5, 5};
        t.history = new double[][] {{4, 5, 1}};
        t.covariates = new double[][] {{7, 8, 9}};
        assertThat(t.fullHistory(0)).containsExactly(Double.NaN, 1, Double.NaN, Double.NaN, 4, 5);
        assertThat(t.fullCovariate(0)).containsExactly(Double.NaN, 9, Double.NaN, Double.NaN, 7, 8);
        t.lagRanges = null;
        t.history = new double[][] {{1, 2}};
        double[] full = t.fullHistory(0);
        assertThat(full).containsExactly(1, 2).isNotSameAs(t.history[0]);
    }

    @Test
    void theTaskIsStillAPojoWithoutGenericFields() {
        TypeInformation<ForecastTask> t = TypeInformation.of(ForecastTask.class);
        assertThat(t).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<ForecastTask> pojo = (PojoTypeInfo<ForecastTask>) t;
        assertThat(pojo.getFieldIndex("lagRanges")).isNotNegative();
        for (int i = 0; i < pojo.getArity(); i++) {
            assertThat(pojo.getTypeAt(i)).as(pojo.getPojoFieldAt(i).getField().getName()).isNotInstanceOf(GenericTypeInfo.class);
        }
    }
}
