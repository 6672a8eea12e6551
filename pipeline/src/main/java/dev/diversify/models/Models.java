package dev.diversify.models;

import dev.diversify.backend.OneDnn;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Builds the architectures as DL4J {@link ComputationGraph}s with named vertices, set up for the
 * fast CPU path: oneDNN helpers on, workspaces on, activations cached for backprop.
 */
public final class Models {
    /** The name of every model's input vertex. */
    public static final String INPUT = "input";
    /**
     * The CIFAR recipe's optimiser: SGD from learning rate 0.1, Nesterov momentum 0.9, L2 weight decay 5e-4.
     * He et al. 2016 (section 4.2) also start at 0.1 with momentum 0.9, but use plain momentum and weight
     * decay 1e-4; Huang et al. 2017 use Nesterov momentum 0.9 and weight decay 1e-4.
     */
    public static final double DEFAULT_LEARNING_RATE = 0.1;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final double DEFAULT_WEIGHT_DECAY = 5e-4;

    private Models() {
    }

    /**
     * The configuration of {@code spec} with the default optimiser: Nesterov SGD, learning rate
     * {@value #DEFAULT_LEARNING_RATE}, momentum {@value #DEFAULT_MOMENTUM}, L2 weight decay
     * {@value #DEFAULT_WEIGHT_DECAY}.
     */
    public static ComputationGraphConfiguration configuration(ModelSpec spec) {
        return configuration(spec, new Nesterovs(DEFAULT_LEARNING_RATE, DEFAULT_MOMENTUM), DEFAULT_WEIGHT_DECAY);
    }

    /**
     * The configuration of {@code spec}, trained with {@code updater} and L2 weight decay {@code weightDecay}:
     * float parameters, ReLU (He) weight initialisation seeded by {@code spec.seed()}, "same" padding. The input
     * vertex {@value #INPUT} takes {@code [N, C, H, W]} (see {@link #inputType}); the softmax output is
     * {@code [N, numClasses]}.
     */
    public static ComputationGraphConfiguration configuration(ModelSpec spec, IUpdater updater, double weightDecay) {
        GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .weightInit(WeightInit.RELU)
                .updater(updater)
                .l2(weightDecay)
                .convolutionMode(ConvolutionMode.Same)
                .cacheMode(CacheMode.DEVICE)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(inputType(spec));
        spec.architecture().define(new GraphBlocks(graph), INPUT, spec);
        return graph.build();
    }

    /** A freshly initialised network of {@code spec}, with the default optimiser and weights drawn from its seed. */
    public static ComputationGraph build(ModelSpec spec) {
        return initialise(configuration(spec));
    }

    /** Initialises a network on the fast CPU path; use this for every graph this project creates. */
    public static ComputationGraph initialise(ComputationGraphConfiguration configuration) {
        OneDnn.enableHelpers();
        ComputationGraph graph = new ComputationGraph(configuration);
        graph.init();
        return OneDnn.useOwnHelpers(graph);
    }

    /** The convolutional input type of {@code spec}: {@code [N, inputChannels, inputHeight, inputWidth]}. */
    public static InputType inputType(ModelSpec spec) {
        return InputType.convolutional(spec.inputHeight(), spec.inputWidth(), spec.inputChannels());
    }
}
