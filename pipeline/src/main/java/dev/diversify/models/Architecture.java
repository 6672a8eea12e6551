package dev.diversify.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The five CIFAR architectures of the study, with the ids used in configs, the CLI and results. */
public enum Architecture {
    /**
     * VGG16 (Simonyan & Zisserman 2015, "Very Deep Convolutional Networks for Large-Scale Image
     * Recognition") in the CIFAR variant of Li et al. 2017, "Pruning Filters for Efficient ConvNets":
     * batch norm after every conv, one 512-wide dense layer. Input at least 32x32 pixels.
     */
    VGG16("vgg16", 32, Vgg16::define),
    /** ResNet-20 (He et al. 2016, "Deep Residual Learning", section 4.2): 3 blocks per stage; input at least 4x4. */
    RESNET20("resnet20", 4, (blocks, input, spec) -> ResNet.define(blocks, input, spec, 3)),
    /** ResNet-56 (He et al. 2016, "Deep Residual Learning", section 4.2): 9 blocks per stage; input at least 4x4. */
    RESNET56("resnet56", 4, (blocks, input, spec) -> ResNet.define(blocks, input, spec, 9)),
    /** DenseNet-40-12 (Huang et al. 2017, "Densely Connected Convolutional Networks"); input at least 4x4. */
    DENSENET_40_12("densenet-40-12", 4, DenseNet::defineStandard),
    /**
     * DenseNet-BC-40-12 (Huang et al. 2017, "Densely Connected Convolutional Networks"): bottleneck layers
     * and compression 0.5; input at least 4x4.
     */
    DENSENET_BC_40_12("densenet-bc-40-12", 4, DenseNet::defineBottleneckCompressed);

    /** Adds an architecture's vertices after the input vertex, ending with the classifier. */
    @FunctionalInterface
    interface Definition {
        void define(GraphBlocks blocks, String input, ModelSpec spec);
    }

    private final String id;
    /** Total downsampling: the input must be at least this large on each side. */
    private final int minInputSize;
    private final Definition definition;

    Architecture(String id, int minInputSize, Definition definition) {
        this.id = id;
        this.minInputSize = minInputSize;
        this.definition = definition;
    }

    /** The id used in configs, the CLI and result rows, e.g. {@code "resnet20"}. */
    public String id() {
        return id;
    }

    /**
     * Looks an architecture up by id (case-insensitive, surrounding blanks ignored); the error lists the valid ids.
     *
     * @throws IllegalArgumentException when {@code id} is null or names no architecture
     */
    public static Architecture fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.id.equals(wanted)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown model '" + id + "'; expected one of " + ids());
    }

    /** Every id, comma-separated in declaration order, for help texts and error messages. */
    public static String ids() {
        return Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", "));
    }

    void define(GraphBlocks blocks, String input, ModelSpec spec) {
        definition.define(blocks, input, spec);
    }

    void checkInputSize(int height, int width) {
        if (height < minInputSize || width < minInputSize) {
            throw new IllegalArgumentException(id + " downsamples by " + minInputSize
                    + ": its input must be at least " + minInputSize + "x" + minInputSize
                    + ", got " + height + "x" + width);
        }
    }

    /** The id, as {@link #id()}. */
    @Override
    public String toString() {
        return id;
    }
}
