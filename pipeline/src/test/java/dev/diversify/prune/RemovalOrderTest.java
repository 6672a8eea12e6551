package dev.diversify.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.models.ModelFiles;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/**
 * ALGORITHM.md, "The removal order, and grids by fraction", checked on trained weights (the embedded
 * default's VGG16 baseline, trained on Fashion-MNIST by this project): the removals at any tau are the
 * first removals at tau = 2, so a fraction of a group's filters names a point of the same order.
 */
class RemovalOrderTest {
    private static final String BASELINE = "../conf/baselines/vgg16-w025-fashion-mnist.zip";

    @Test
    void raisingTauOnlyExtendsTheRemovalOrderOnTrainedWeights() {
        ComputationGraph network = ModelFiles.load(BASELINE);
        int checked = 0;
        for (PruningGroup group : ChannelGraph.of(network.getConfiguration(), InputType.convolutional(32, 32, 3))
                .groups(ResidualPolicy.COUPLED)) {
            FilterBank filters = PlanBuilder.filters(network, group);
            Similarity similarity = Similarity.of(filters);
            double[] l1 = filters.l1Norms();
            int minKeep = DiversifyingRule.defaultMinKeep(filters.count());
            Selection order = DiversifyingRule.select(similarity, l1, 2.0, minKeep);
            assertEquals(filters.count() - minKeep, order.removals().size(), group.name() + ": tau = 2 removes to minKeep");
            for (double tau = 0.05; tau < 2; tau += 0.05) {
                Selection at = DiversifyingRule.select(similarity, l1, tau, minKeep);
                int n = at.removals().size();
                assertEquals(order.removals().subList(0, n), at.removals(), group.name() + " at tau " + tau);
                assertArrayEquals(order.keepingFirstRemovals(n).kept(), at.kept(), group.name() + " at tau " + tau);
                assertTrue(order.thresholdOfFirstRemovals(n) <= tau + DiversifyingRule.TAU_SLACK);
                checked++;
            }
        }
        assertEquals(13 * 39, checked, "13 groups x 39 thresholds");
    }
}
