package dev.diversify.layers;

import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;

/**
 * Vertices without parameters or MACs: per-channel layers and reshaping pass channels through,
 * merges concatenate them, element-wise additions tie them (ALGORITHM.md, "Coupled channels").
 */
final class StructuralHandler implements LayerHandler {
    static final StructuralHandler PASS_THROUGH = new StructuralHandler(ChannelFlow.PASS_THROUGH);
    static final StructuralHandler CONCATENATE = new StructuralHandler(ChannelFlow.CONCATENATE);
    static final StructuralHandler ADD = new StructuralHandler(ChannelFlow.ADD);

    private final ChannelFlow flow;

    private StructuralHandler(ChannelFlow flow) {
        this.flow = flow;
    }

    /** {@link ChannelFlow#PASS_THROUGH}, {@link ChannelFlow#CONCATENATE} or {@link ChannelFlow#ADD}, by instance. */
    @Override
    public ChannelFlow flow() {
        return flow;
    }

    /** What this vertex does that the handler cannot follow, or null: only element-wise Add ties channels. */
    String unsupported(GraphVertex vertex) {
        if (vertex instanceof ElementWiseVertex e && e.getOp() != ElementWiseVertex.Op.Add) {
            return "ElementWiseVertex with op " + e.getOp() + " (only Add)";
        }
        return null;
    }
}
