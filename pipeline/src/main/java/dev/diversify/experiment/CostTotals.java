package dev.diversify.experiment;

import dev.diversify.metrics.ModelCost;

/**
 * A network's totals as the tables report them (ALGORITHM.md, "What every run reports").
 *
 * @param params       trainable parameters (weights, biases, batch-norm gamma and beta)
 * @param bnStatistics batch-norm running means and variances
 * @param macs         multiply-accumulates of one forward pass of one image (FLOPs = 2 x MACs)
 */
public record CostTotals(long params, long bnStatistics, long macs) {

    static CostTotals of(ModelCost cost) {
        return new CostTotals(cost.params(), cost.bnStatistics(), cost.macs());
    }
}
