package dev.diversify.metrics;

import java.util.List;

/**
 * A network's size and compute, per layer and in total. MACs count a multiply-add once; FLOPs
 * count it twice (FLOPs = 2 x MACs), the two conventions found in the pruning literature.
 */
public record ModelCost(List<LayerCost> layers) {

    public ModelCost {
        layers = List.copyOf(layers);
    }

    public long params() {
        return layers.stream().mapToLong(LayerCost::params).sum();
    }

    public long bnStatistics() {
        return layers.stream().mapToLong(LayerCost::bnStatistics).sum();
    }

    public long macs() {
        return layers.stream().mapToLong(LayerCost::macs).sum();
    }

    public long flops() {
        return 2 * macs();
    }

    /** The reduction from {@code before} to this, in percent of {@code before}. */
    public static double reductionPercent(long before, long after) {
        return before == 0 ? 0.0 : 100.0 * (before - after) / before;
    }
}
