package dev.diversify.models;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The five CIFAR architectures of the study, with the ids used in configs, the CLI and results. */
public enum Architecture {
    VGG16("vgg16", 32, Vgg16::define),
    RESNET20("resnet20", 4, (blocks, input, spec) -> ResNet.define(blocks, input, spec, 3)),
    RESNET56("resnet56", 4, (blocks, input, spec) -> ResNet.define(blocks, input, spec, 9)),
    DENSENET_40_12("densenet-40-12", 4, DenseNet::defineStandard),
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

    public String id() {
        return id;
    }

    /** Looks an architecture up by id (case-insensitive); the error lists the valid ids. */
    public static Architecture fromId(String id) {
        String wanted = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
        for (Architecture a : values()) {
            if (a.id.equals(wanted)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown model '" + id + "'; expected one of " + ids());
    }

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

    @Override
    public String toString() {
        return id;
    }
}
