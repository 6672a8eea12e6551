package dev.diversify.graph;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;

/**
 * Where every channel of a graph comes from. Each convolution's output is a channel <em>space</em>;
 * every vertex's output is a list of {@link Segment}s (runs of channels of one space): batch norms,
 * activations and pooling pass their input's list on, a concatenation joins its inputs' lists
 * (DenseNet), and an element-wise addition ties its inputs' spaces together, since an added channel
 * can only go from all of them at once (ResNet). Spaces tied together form one {@link PruningGroup}.
 * Removing a group's channel i removes, everywhere a segment of its spaces appears, that position:
 * the filters and biases of its members, the batch-norm entries, the consumers' input channels.
 */
public final class ChannelGraph {
    /** A run of {@code count} channels of space {@code space}, in that space's order. */
    public record Segment(int space, int count) {
    }

    private final ComputationGraphConfiguration conf;
    private final List<String> order;
    private final Map<String, List<Segment>> outputs = new LinkedHashMap<>();
    private final List<String> producers = new ArrayList<>();
    private final List<Boolean> prunable = new ArrayList<>();
    private final List<Integer> sizes = new ArrayList<>();
    private final List<Integer> parent = new ArrayList<>();

    private ChannelGraph(ComputationGraphConfiguration conf, InputType input) {
        this.conf = conf;
        this.order = Topology.order(conf);
        for (String name : conf.getNetworkInputs()) {
            outputs.put(name, List.of(new Segment(newSpace(name, (int) channelsOf(input), false), (int) channelsOf(input))));
        }
        for (String name : order) {
            GraphVertex vertex = conf.getVertices().get(name);
            if (vertex != null) {
                outputs.put(name, propagate(name, vertex, inputsOf(name)));
            }
        }
    }

    /** The channel graph of {@code conf} fed with {@code input}; refuses vertex types it cannot follow. */
    public static ChannelGraph of(ComputationGraphConfiguration conf, InputType input) {
        return new ChannelGraph(conf, input);
    }

    private static long channelsOf(InputType input) {
        return input instanceof InputType.InputTypeConvolutional cnn ? cnn.getChannels() : input.arrayElementsPerExample();
    }

    private List<List<Segment>> inputsOf(String name) {
        List<List<Segment>> inputs = new ArrayList<>();
        for (String input : conf.getVertexInputs().getOrDefault(name, List.of())) {
            inputs.add(outputs.get(input));
        }
        return inputs;
    }

    private int newSpace(String producer, int size, boolean canPrune) {
        producers.add(producer);
        prunable.add(canPrune);
        sizes.add(size);
        parent.add(producers.size() - 1);
        return producers.size() - 1;
    }

    private List<Segment> propagate(String name, GraphVertex vertex, List<List<Segment>> inputs) {
        if (vertex instanceof MergeVertex) {
            List<Segment> joined = new ArrayList<>();
            inputs.forEach(joined::addAll);
            return joined;
        }
        if (vertex instanceof ElementWiseVertex add && add.getOp() == ElementWiseVertex.Op.Add) {
            List<Segment> first = inputs.get(0);
            for (List<Segment> other : inputs.subList(1, inputs.size())) {
                if (other.size() != first.size()) {
                    throw unsupported(name, "an addition of differently concatenated inputs");
                }
                for (int s = 0; s < first.size(); s++) {
                    if (first.get(s).count() != other.get(s).count()) {
                        throw new IllegalArgumentException("'" + name + "' adds inputs of different channel counts");
                    }
                    union(first.get(s).space(), other.get(s).space());
                }
            }
            return first;
        }
        if (vertex instanceof PreprocessorVertex) {
            return inputs.get(0);
        }
        if (!(vertex instanceof LayerVertex layerVertex)) {
            throw unsupported(name, vertex.getClass().getSimpleName());
        }
        Layer layer = layerVertex.getLayerConf().getLayer();
        Class<?> type = layer.getClass();
        if (type == ConvolutionLayer.class) {
            int n = (int) ((ConvolutionLayer) layer).getNOut();
            return List.of(new Segment(newSpace(name, n, true), n));
        }
        if (type == DenseLayer.class || layer instanceof BaseOutputLayer) {
            int n = (int) ((FeedForwardLayer) layer).getNOut();
            return List.of(new Segment(newSpace(name, n, false), n));
        }
        if (type == BatchNormalization.class || type == ActivationLayer.class || type == SubsamplingLayer.class
                || type == GlobalPoolingLayer.class || type == DropoutLayer.class) {
            return inputs.get(0);
        }
        throw unsupported(name, type.getSimpleName());
    }

    private static IllegalArgumentException unsupported(String name, String what) {
        return new IllegalArgumentException("cannot follow channels through '" + name + "': " + what
                + " is not a supported layer or vertex type");
    }

    private int find(int space) {
        while (parent.get(space) != space) {
            parent.set(space, parent.get(parent.get(space)));
            space = parent.get(space);
        }
        return space;
    }

    private void union(int a, int b) {
        int ra = find(a);
        int rb = find(b);
        if (ra != rb) {
            parent.set(Math.max(ra, rb), Math.min(ra, rb)); // the earlier space names the group
        }
    }

    /** The vertex order this graph follows (network inputs first). */
    public List<String> order() {
        return order;
    }

    /** The channels of {@code vertex}'s output, as segments. */
    public List<Segment> channels(String vertex) {
        List<Segment> segments = outputs.get(vertex);
        if (segments == null) {
            throw new IllegalArgumentException("no vertex named '" + vertex + "'");
        }
        return segments;
    }

    /** The channels of the input of layer {@code vertex} (its only input). */
    public List<Segment> inputChannels(String vertex) {
        List<String> inputs = conf.getVertexInputs().get(vertex);
        if (inputs == null || inputs.size() != 1) {
            throw new IllegalArgumentException("'" + vertex + "' has not exactly one input");
        }
        return channels(inputs.get(0));
    }

    /** The group of the space: its representative after every residual tie. */
    public int groupOf(int space) {
        return find(space);
    }

    /** The space a convolution creates. */
    public int spaceOf(String conv) {
        int space = producers.indexOf(conv);
        if (space < 0 || !prunable.get(space)) {
            throw new IllegalArgumentException("'" + conv + "' is not a convolution of this graph");
        }
        return space;
    }

    public int spaceSize(int space) {
        return sizes.get(space);
    }

    /** Every group of convolutions whose channels can be pruned under {@code policy}, in topological order. */
    public List<PruningGroup> groups(ResidualPolicy policy) {
        Map<Integer, List<String>> members = new LinkedHashMap<>();
        Map<Integer, Boolean> allPrunable = new LinkedHashMap<>();
        for (int space = 0; space < producers.size(); space++) {
            int root = find(space);
            allPrunable.merge(root, prunable.get(space), Boolean::logicalAnd);
            if (prunable.get(space)) {
                members.computeIfAbsent(root, k -> new ArrayList<>()).add(producers.get(space));
            }
        }
        List<PruningGroup> groups = new ArrayList<>();
        members.forEach((root, convs) -> {
            boolean allowed = allPrunable.get(root) && (policy == ResidualPolicy.COUPLED || convs.size() == 1);
            if (allowed) {
                groups.add(new PruningGroup(convs.get(0), convs, sizes.get(root)));
            }
        });
        return groups;
    }

    /** The prunable group named {@code name} under {@code policy}. */
    public PruningGroup group(ResidualPolicy policy, String name) {
        return groups(policy).stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> noGroup(policy, name));
    }

    static IllegalArgumentException noGroup(ResidualPolicy policy, String name) {
        return new IllegalArgumentException("no prunable group named '" + name + "' under the "
                + policy.name().toLowerCase() + " residual policy");
    }
}
