package dev.diversify.surgery;

import dev.diversify.graph.ChannelGraph;
import dev.diversify.graph.ChannelGraph.Segment;
import dev.diversify.graph.PruningGroup;
import dev.diversify.graph.PruningPlan;
import dev.diversify.graph.ResidualPolicy;
import dev.diversify.models.Models;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;

/**
 * Physically removes channels: rebuilds the configuration with the smaller {@code nIn}/{@code nOut},
 * initialises it, and copies the kept slices of every parameter (batch-norm running statistics
 * included). Unlike {@code TransferLearning.nOutReplace}, it keeps the weights and works through
 * residual additions and concatenations. The plan is checked before anything is built.
 */
public final class Surgery {
    private Surgery() {
    }

    /** The smaller network that {@code plan} makes of {@code original}, which is fed images of type {@code input}. */
    public static ComputationGraph apply(ComputationGraph original, InputType input, PruningPlan plan) {
        ComputationGraphConfiguration conf = original.getConfiguration();
        ChannelGraph channels = ChannelGraph.of(conf, input);
        Map<Integer, int[]> keptByGroup = check(plan, channels);

        ComputationGraphConfiguration pruned = conf.clone();
        Map<String, Slices> slices = new HashMap<>();
        for (Map.Entry<String, GraphVertex> e : pruned.getVertices().entrySet()) {
            if (e.getValue() instanceof LayerVertex vertex) {
                Slices s = resize(e.getKey(), vertex, channels, keptByGroup);
                if (s != null) {
                    slices.put(e.getKey(), s);
                }
            }
        }
        ComputationGraph result = Models.initialise(pruned);
        for (Map.Entry<String, Slices> e : slices.entrySet()) {
            copyParameters(original, result, e.getKey(), e.getValue());
        }
        return result;
    }

    /** Which input positions (rows) and output channels a layer keeps; null means all. */
    private record Slices(int[] in, int[] out) {
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

    private static int total(List<Segment> segments) {
        return segments.stream().mapToInt(Segment::count).sum();
    }

    /** Sets the layer's new sizes in the cloned configuration; returns what to copy. */
    private static Slices resize(String name, LayerVertex vertex, ChannelGraph channels, Map<Integer, int[]> kept) {
        Layer layer = vertex.getLayerConf().getLayer();
        Class<?> type = layer.getClass();
        if (type == ConvolutionLayer.class) {
            ConvolutionLayer conv = (ConvolutionLayer) layer;
            int[] in = positions(channels.inputChannels(name), channels, kept);
            int[] out = positions(channels.channels(name), channels, kept);
            conv.setNIn(in.length);
            conv.setNOut(out.length);
            return new Slices(in, out);
        }
        if (type == BatchNormalization.class) {
            BatchNormalization bn = (BatchNormalization) layer;
            int[] in = positions(channels.inputChannels(name), channels, kept);
            bn.setNIn(in.length);
            bn.setNOut(in.length);
            return new Slices(in, in);
        }
        if (type == DenseLayer.class || layer instanceof BaseOutputLayer) {
            FeedForwardLayer dense = (FeedForwardLayer) layer;
            List<Segment> input = channels.inputChannels(name);
            int[] channelsKept = positions(input, channels, kept);
            long perChannel = dense.getNIn() / total(input); // H*W inputs per channel after flattening a map
            int[] in = new int[(int) (channelsKept.length * perChannel)];
            for (int c = 0, k = 0; c < channelsKept.length; c++) {
                for (int p = 0; p < perChannel; p++) {
                    in[k++] = (int) (channelsKept[c] * perChannel + p);
                }
            }
            dense.setNIn(in.length);
            if (vertex.getPreProcessor() instanceof CnnToFeedForwardPreProcessor flatten) {
                flatten.setNumChannels(channelsKept.length);
            }
            return new Slices(in, null);
        }
        return null;
    }

    private static void copyParameters(ComputationGraph from, ComputationGraph to, String name, Slices slices) {
        Map<String, INDArray> source = from.getLayer(name).paramTable();
        Map<String, INDArray> target = to.getLayer(name).paramTable();
        Layer layer = from.getLayer(name).conf().getLayer();
        for (Map.Entry<String, INDArray> p : source.entrySet()) {
            INDArray value = p.getValue();
            INDArray selected;
            if (layer instanceof ConvolutionLayer && p.getKey().equals("W")) {
                selected = select(select(value, 0, slices.out()), 1, slices.in());   // [out, in, kH, kW]
            } else if (layer instanceof ConvolutionLayer) {
                selected = select(value, value.rank() - 1, slices.out());           // bias [1, out]
            } else if (layer instanceof BatchNormalization) {
                selected = select(value, value.rank() - 1, slices.in());            // [1, n]: all four arrays
            } else if (p.getKey().equals("W")) {
                selected = select(value, 0, slices.in());                           // dense [in, out]
            } else {
                selected = value;                                                     // dense bias: unchanged
            }
            target.get(p.getKey()).assign(selected);
        }
    }

    private static INDArray select(INDArray array, int dimension, int[] indices) {
        if (indices.length == array.size(dimension)) {
            return array; // positions are sorted, so keeping all of them is the identity
        }
        INDArrayIndex[] index = new INDArrayIndex[array.rank()];
        for (int d = 0; d < index.length; d++) {
            index[d] = NDArrayIndex.all();
        }
        index[dimension] = new SpecifiedIndex(java.util.Arrays.stream(indices).asLongStream().toArray());
        return array.get(index);
    }
}
