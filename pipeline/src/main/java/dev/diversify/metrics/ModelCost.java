package dev.diversify.metrics;

import dev.diversify.layers.LayerCost;
import java.util.List;

/**
 * A network's size and compute, per layer and in total (ALGORITHM.md, "What every run reports"). MACs
 * count a multiply-add once; FLOPs count it twice (FLOPs = 2 x MACs), the two conventions found in the
 * pruning literature. All are counts for one image, not bytes.
 *
 * @param layers each layer with parameters or MACs, in topological order (copied, unmodifiable)
 */
public record ModelCost(List<LayerCost> layers) {

    /** Copies {@code layers}. */
    public ModelCost {
        layers = List.copyOf(layers);
    }

    /** Trainable parameters in total: weights, biases, batch-norm gamma and beta (a count). */
    public long params() {
        return layers.stream().mapToLong(LayerCost::params).sum();
    }

    /** Batch-norm running statistics in total (mean and variance: 2 per channel), counted apart from {@link #params}. */
    public long bnStatistics() {
        return layers.stream().mapToLong(LayerCost::bnStatistics).sum();
    }

    /** Multiply-accumulates of one forward pass of one image, convolutions and dense layers only. */
    public long macs() {
        return layers.stream().mapToLong(LayerCost::macs).sum();
    }

    /** FLOPs of one forward pass of one image: 2 x {@link #macs}. */
    public long flops() {
        return 2 * macs();
    }

    /**
     * The reduction from {@code before} to {@code after}, in percent of {@code before} (0-100; negative
     * for a growth); 0 when {@code before} is 0.
     */
    public static double reductionPercent(long before, long after) {
        return before == 0 ? 0.0 : 100.0 * (before - after) / before;
    }
}
