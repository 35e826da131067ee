package dev.prescale.job.eval;

/**
 * What {@link CloudGroupSimulator} measured for one policy on one trace: the EVALUATION.md figures
 * over the scored window and the per-step series behind them (all steps, scored or not).
 *
 * @param capacityUnit C, demand units per instance
 * @param firstScoredStep index of the first scored step
 * @param scoredSteps how many steps were scored
 * @param underStepsPct share of scored steps with v > S C, percent
 * @param unservedPct sum(max(0, v - S C)) / sum(v) over scored steps, percent
 * @param costRatio summed cost over scored steps / sum(ceil(v / C))
 * @param actions how many times the desired capacity in effect changed between consecutive scored steps
 * @param inService S(t) per step
 * @param launching instances launched but not yet in service at the end of each step
 * @param warmReady ready warm-pool instances per step
 * @param warmPreparing warm-pool instances being prepared per step
 * @param desired the desired capacity in effect per step (-1 before the first decision)
 */
public record SimulationResult(
        double capacityUnit,
        int firstScoredStep,
        int scoredSteps,
        double underStepsPct,
        double unservedPct,
        double costRatio,
        int actions,
        int[] inService,
        int[] launching,
        int[] warmReady,
        int[] warmPreparing,
        int[] desired) {}
