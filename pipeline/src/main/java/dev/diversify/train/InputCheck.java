package dev.diversify.train;

import dev.diversify.data.DatasetSource;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/** Whether a model takes a dataset's images and has one output per class: checked once, before any task runs. */
public final class InputCheck {
    private InputCheck() {
    }

    /**
     * Runs one blank image of {@code source}'s shape through {@code network} on this JVM.
     *
     * @throws IllegalArgumentException when the network cannot take images of {@code source.shape()} (C x H x W),
     *     or has another number of outputs than {@code source.numClasses()}
     */
    public static void requireFits(ComputationGraph network, DatasetSource source) {
        long classes;
        try {
            classes = network.output(Nd4j.zeros(1, source.shape().channels(), source.shape().height(),
                    source.shape().width()))[0].size(1);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the model does not take the data's images (channels x height x width "
                    + source.shape() + "): " + e.getMessage(), e);
        }
        if (classes != source.numClasses()) {
            throw new IllegalArgumentException("the model has " + classes + " outputs but the data has "
                    + source.numClasses() + " classes");
        }
    }
}
