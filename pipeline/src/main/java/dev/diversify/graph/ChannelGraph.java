package dev.diversify.graph;

import dev.diversify.layers.ChannelFlow;
import dev.diversify.layers.LayerHandler;
import dev.diversify.layers.LayerHandlers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;

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
    /**
     * A run of {@code count} channels of space {@code space}, in that space's order.
     *
     * @param space the channel space's index in this graph (see {@link ChannelGraph#groupOf}, {@link ChannelGraph#spaceSize})
     * @param count how many channels the run holds (the whole space, before pruning)
     */
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

    /**
     * The channel graph of {@code conf} fed with {@code input} (convolutional: its channel count;
     * otherwise its size per example), built in {@link Topology#order} (ALGORITHM.md, "Coupled channels
     * (residual additions)" and "Concatenations (DenseNet)").
     *
     * @throws dev.diversify.layers.UnsupportedLayerException for a vertex type without a handler
     * @throws IllegalArgumentException for an addition of inputs with different channel layouts, or a
     *     graph with a cycle or a missing input
     */
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
        LayerHandler handler = LayerHandlers.of(name, vertex);
        switch (handler.flow()) {
            case PRUNABLE, FIXED -> {
                int n = handler.outChannels(vertex);
                return List.of(new Segment(newSpace(name, n, handler.flow() == ChannelFlow.PRUNABLE), n));
            }
            case PASS_THROUGH -> {
                return inputs.get(0);
            }
            case CONCATENATE -> {
                List<Segment> joined = new ArrayList<>();
                inputs.forEach(joined::addAll);
                return joined;
            }
            case ADD -> {
                List<Segment> first = inputs.get(0);
                for (List<Segment> other : inputs.subList(1, inputs.size())) {
                    if (other.size() != first.size()) {
                        throw new IllegalArgumentException("cannot follow channels through '" + name
                                + "': an addition of differently concatenated inputs is not supported");
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
            default -> throw new IllegalStateException("unknown channel flow " + handler.flow());
        }
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

    /** The vertex order this graph follows ({@link Topology#order}: network inputs first). */
    public List<String> order() {
        return order;
    }

    /**
     * The channels of {@code vertex}'s output (a vertex or a network input), as segments in channel order.
     *
     * @throws IllegalArgumentException when there is no vertex of that name
     */
    public List<Segment> channels(String vertex) {
        List<Segment> segments = outputs.get(vertex);
        if (segments == null) {
            throw new IllegalArgumentException("no vertex named '" + vertex + "'");
        }
        return segments;
    }

    /**
     * The channels of the input of layer {@code vertex} (its only input), as segments in channel order.
     *
     * @throws IllegalArgumentException when {@code vertex} is unknown or has not exactly one input
     */
    public List<Segment> inputChannels(String vertex) {
        List<String> inputs = conf.getVertexInputs().get(vertex);
        if (inputs == null || inputs.size() != 1) {
            throw new IllegalArgumentException("'" + vertex + "' has not exactly one input");
        }
        return channels(inputs.get(0));
    }

    /**
     * The group of the space: its representative after every residual tie, the earliest space of the
     * group (the space itself when it is tied to none).
     */
    public int groupOf(int space) {
        return find(space);
    }

    /**
     * The space a convolution creates.
     *
     * @throws IllegalArgumentException when {@code conv} is not a convolution of this graph
     */
    public int spaceOf(String conv) {
        int space = producers.indexOf(conv);
        if (space < 0 || !prunable.get(space)) {
            throw new IllegalArgumentException("'" + conv + "' is not a convolution of this graph");
        }
        return space;
    }

    /** The number of channels of {@code space}, before pruning. */
    public int spaceSize(int space) {
        return sizes.get(space);
    }

    /**
     * Every group of convolutions whose channels can be pruned under {@code policy}, in topological order:
     * tied spaces that all come from convolutions (none from a network input or a dense layer); under
     * {@link ResidualPolicy#INTERNAL}, only single convolutions tied to nothing (ALGORITHM.md, "Coupled
     * channels (residual additions)").
     */
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

    /**
     * The prunable group named {@code name} (its first convolution) under {@code policy}.
     *
     * @throws IllegalArgumentException when no prunable group has that name under {@code policy}
     */
    public PruningGroup group(ResidualPolicy policy, String name) {
        return groups(policy).stream().filter(g -> g.name().equals(name)).findFirst()
                .orElseThrow(() -> noGroup(policy, name));
    }

    static IllegalArgumentException noGroup(ResidualPolicy policy, String name) {
        return new IllegalArgumentException("no prunable group named '" + name + "' under the "
                + policy.name().toLowerCase() + " residual policy");
    }
}
