package dev.diversify.surgery;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.ChannelGraph.Segment;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.layers.KeptChannels;
import dev.diversify.layers.LayerHandlers;
import dev.diversify.layers.Slices;
import dev.diversify.models.Models;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Physically removes channels: rebuilds the configuration with the smaller {@code nIn}/{@code nOut},
 * initialises it, and copies the kept slices of every parameter (batch-norm running statistics
 * included). Unlike {@code TransferLearning.nOutReplace}, it keeps the weights and works through
 * residual additions and concatenations. The plan is checked before anything is built.
 */
public final class Surgery {
    private Surgery() {
    }

    /**
     * The smaller network that {@code plan} makes of {@code original}, which is fed images of type
     * {@code input}; {@code original} is not changed. A removed channel takes the convolution's filter
     * ([nOut, nIn, kH, kW] row) and bias, the batch-norm entries, every consumer's input channel, at its
     * offset in any concatenation, and a dense layer's input rows (ALGORITHM.md, "What a removed output
     * channel takes with it" and "Concatenations (DenseNet)"), as the handlers of {@link LayerHandlers} do.
     * The result is freshly initialised, so only parameters are copied: updater state (momentum) starts anew.
     *
     * @param plan the kept channels per group; the plan's groups are checked against this model's
     *     groups under {@link ResidualPolicy#COUPLED}, which include those of any policy
     * @throws IllegalArgumentException when the plan does not describe this model (unknown group, named
     *     twice, other channel count or members, a channel out of range or kept twice, a group left with no
     *     channel), a dense layer's input cannot be sliced per channel, or {@link ChannelGraph#of} refuses
     *     the graph
     * @throws dev.diversify.layers.UnsupportedLayerException for a layer type without a handler
     */
    public static ComputationGraph apply(ComputationGraph original, InputType input, PruningPlan plan) {
        ComputationGraphConfiguration conf = original.getConfiguration();
        Resized resized = resize(conf, ChannelGraph.of(conf, input), plan);
        ComputationGraph result = Models.initialise(resized.conf());
        resized.slices().forEach((name, s) -> LayerHandlers.of(name, resized.conf().getVertices().get(name))
                .copy(original.getLayer(name).paramTable(), result.getLayer(name).paramTable(), s));
        return result;
    }

    /**
     * The configuration {@code plan} makes of {@code conf} (a copy; {@code conf} is not changed), without
     * building or copying weights: what the cost counter needs to count a candidate plan exactly. Callers
     * counting many plans of one model pass its channel graph, {@code ChannelGraph.of(conf, input)}, once.
     *
     * @throws IllegalArgumentException when the plan does not describe this model (as {@link #apply})
     */
    public static ComputationGraphConfiguration prunedConfiguration(ComputationGraphConfiguration conf,
                                                                    ChannelGraph channels, PruningPlan plan) {
        return resize(conf, channels, plan).conf();
    }

    /** A resized copy of a configuration, and the parameter slices each layer with parameters keeps. */
    private record Resized(ComputationGraphConfiguration conf, Map<String, Slices> slices) {
    }

    private static Resized resize(ComputationGraphConfiguration conf, ChannelGraph channels, PruningPlan plan) {
        Map<Integer, int[]> keptByGroup = check(plan, channels);
        ComputationGraphConfiguration pruned = conf.clone();
        Map<String, Slices> slices = new HashMap<>();
        for (Map.Entry<String, GraphVertex> e : pruned.getVertices().entrySet()) {
            String name = e.getKey();
            Slices s = LayerHandlers.of(name, e.getValue()).resize(name, e.getValue(), kept(name, channels, keptByGroup));
            if (s != null) {
                slices.put(name, s);
            }
        }
        return new Resized(pruned, slices);
    }

    private static KeptChannels kept(String name, ChannelGraph channels, Map<Integer, int[]> keptByGroup) {
        return new KeptChannels() {
            @Override
            public int[] input() {
                return positions(channels.inputChannels(name), channels, keptByGroup);
            }

            @Override
            public int inputCount() {
                return channels.inputChannels(name).stream().mapToInt(Segment::count).sum();
            }

            @Override
            public int[] output() {
                return positions(channels.channels(name), channels, keptByGroup);
            }
        };
    }

    /** Checks the plan against the graph; returns the kept channels by group. */
    static Map<Integer, int[]> check(PruningPlan plan, ChannelGraph channels) {
        Map<String, PruningGroup> groups = new HashMap<>();
        channels.groups(ResidualPolicy.COUPLED).forEach(g -> groups.put(g.name(), g));
        Map<Integer, int[]> kept = new HashMap<>();
        for (PruningPlan.Entry entry : plan.groups()) {
            PruningGroup group = groups.get(entry.group());
            if (group == null) {
                throw new IllegalArgumentException("the plan names '" + entry.group()
                        + "', which is not a prunable convolution (or group) of this model");
            }
            if (kept.containsKey(channels.groupOf(channels.spaceOf(group.name())))) {
                throw new IllegalArgumentException("the plan names group '" + entry.group() + "' twice");
            }
            if (entry.channels() != group.channels()) {
                throw new IllegalArgumentException("the plan's group '" + entry.group() + "' has " + entry.channels()
                        + " channels but in this model it has " + group.channels());
            }
            if (!group.members().equals(entry.members())) {
                throw new IllegalArgumentException("the plan's group '" + entry.group() + "' has members "
                        + entry.members() + " but in this model it has " + group.members());
            }
            int[] k = entry.kept();
            if (k.length == 0) {
                throw new IllegalArgumentException("the plan would leave '" + entry.group() + "' with 0 channels");
            }
            Set<Integer> seen = new HashSet<>();
            for (int index : k) {
                if (index < 0 || index >= group.channels()) {
                    throw new IllegalArgumentException("the plan keeps channel " + index + " of '" + entry.group()
                            + "', which has channels 0.." + (group.channels() - 1));
                }
                if (!seen.add(index)) {
                    throw new IllegalArgumentException("the plan keeps channel " + index + " of '" + entry.group()
                            + "' twice");
                }
            }
            int[] sorted = k.clone();
            java.util.Arrays.sort(sorted);
            kept.put(channels.groupOf(channels.spaceOf(group.name())), sorted);
        }
        return kept;
    }

    /** The kept positions of a channel list: for each segment, its space's kept channels, shifted to the segment's place. */
    static int[] positions(List<Segment> segments, ChannelGraph channels, Map<Integer, int[]> keptByGroup) {
        List<Integer> out = new ArrayList<>();
        int offset = 0;
        for (Segment segment : segments) {
            int[] kept = keptByGroup.get(channels.groupOf(segment.space()));
            if (kept == null) {
                for (int c = 0; c < segment.count(); c++) {
                    out.add(offset + c);
                }
            } else {
                for (int c : kept) {
                    out.add(offset + c);
                }
            }
            offset += segment.count();
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
