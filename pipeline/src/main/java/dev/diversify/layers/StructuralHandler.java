package dev.diversify.layers;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;

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

    /**
     * What this vertex does that the handler cannot follow, or null: only element-wise Add ties channels,
     * and a flatten outside a dense layer must be channels-first (a dense layer that reads a channels-last
     * map flattens it itself, so it knows the order of its inputs).
     */
    String unsupported(GraphVertex vertex) {
        if (vertex instanceof ElementWiseVertex e && e.getOp() != ElementWiseVertex.Op.Add) {
            return "ElementWiseVertex with op " + e.getOp() + " (only Add)";
        }
        if (vertex instanceof PreprocessorVertex p && p.getPreProcessor() instanceof CnnToFeedForwardPreProcessor f
                && f.getFormat() == CNN2DFormat.NHWC) {
            return "PreprocessorVertex flattening a channels-last (NHWC) map (flatten channels-last maps in the "
                    + "dense layer itself)";
        }
        return null;
    }
}
