package dev.diversify.models;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Networks and plans for tests that compare a transformed network's outputs with the original's. */
public final class TestNetworks {
    private TestNetworks() {
    }

    /**
     * A freshly initialised network whose batch norms have non-trivial statistics, so slicing errors
     * show, and whose classifier outputs logits (softmax saturates in deep random networks).
     */
    public static ComputationGraph withRandomStatistics(ModelSpec spec) {
        ComputationGraphConfiguration conf = Models.configuration(spec);
        ((BaseLayer) ((LayerVertex) conf.getVertices().get("output")).getLayerConf().getLayer())
                .setActivationFn(new ActivationIdentity());
        ComputationGraph graph = Models.initialise(conf);
        Random random = new Random(spec.architecture().ordinal());
        for (Layer layer : graph.getLayers()) {
            if (layer.conf().getLayer() instanceof BatchNormalization) {
                for (Map.Entry<String, INDArray> p : layer.paramTable().entrySet()) {
                    INDArray values = p.getValue();
                    for (long i = 0; i < values.length(); i++) {
                        double r = random.nextDouble();
                        values.putScalar(i, switch (p.getKey()) {
                            case "gamma", "var" -> 0.5 + r;
                            case "log10stdev" -> 0.4 * r - 0.2;
                            default -> 0.2 * (r - 0.5);
                        });
                    }
                }
            }
        }
        return graph;
    }

    /**
     * Asserts that every row of {@code actual} equals the row of {@code expected} within {@code relative} times the
     * row's largest magnitude (at least 1): float rounding grows with the values.
     */
    public static void assertRowsClose(float[][] expected, float[][] actual, float relative, String what) {
        org.junit.jupiter.api.Assertions.assertEquals(expected.length, actual.length, what + ": rows");
        for (int i = 0; i < expected.length; i++) {
            float scale = 1;
            for (float v : expected[i]) {
                scale = Math.max(scale, Math.abs(v));
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected[i], actual[i], relative * scale,
                    what + ", row " + i);
        }
    }

    /** Keeps a random non-empty subset (sometimes all) of every group. */
    public static PruningPlan randomPlan(ChannelGraph channels, long seed) {
        Random random = new Random(seed);
        Map<String, int[]> kept = new LinkedHashMap<>();
        for (PruningGroup group : channels.groups(ResidualPolicy.COUPLED)) {
            int keep = 1 + random.nextInt(group.channels());
            int[] order = random.ints(0, Integer.MAX_VALUE).limit(group.channels()).toArray();
            Integer[] indices = new Integer[group.channels()];
            Arrays.setAll(indices, i -> i);
            Arrays.sort(indices, (a, b) -> Integer.compare(order[a], order[b]));
            kept.put(group.name(), Arrays.stream(indices).limit(keep).mapToInt(Integer::intValue).toArray());
        }
        return PruningPlan.of(channels, ResidualPolicy.COUPLED, kept);
    }
}
