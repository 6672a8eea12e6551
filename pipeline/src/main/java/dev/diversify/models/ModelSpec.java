package dev.diversify.models;

/**
 * What to build: an architecture for a number of classes, an input shape (channels x height x
 * width) and a width multiplier that scales every channel count (rounded, at least 1). The network
 * reads features {@code [N, inputChannels, inputHeight, inputWidth]} and outputs class probabilities
 * {@code [N, numClasses]}.
 *
 * @param architecture  the network to build
 * @param numClasses    the classifier's outputs (at least 2)
 * @param inputChannels input channels (3 for CIFAR)
 * @param inputHeight   input height in pixels, at least the architecture's total downsampling
 * @param inputWidth    input width in pixels, likewise
 * @param width         the width multiplier: 1.0 is the published network, 0.5 halves every channel count
 * @param seed          the seed of the weight initialisation
 */
public record ModelSpec(Architecture architecture, int numClasses, int inputChannels, int inputHeight,
                        int inputWidth, double width, long seed) {

    /** CIFAR images have 3 channels (RGB). */
    public static final int CIFAR_CHANNELS = 3;
    /** CIFAR images are 32x32 pixels. */
    public static final int CIFAR_SIZE = 32;
    /** The weight-initialisation seed of {@link #cifar}. */
    public static final long DEFAULT_SEED = 12345L;

    /**
     * @throws IllegalArgumentException when {@code architecture} is null, {@code numClasses < 2}, an input
     *         dimension is below 1, {@code width} is not a finite positive number, or the input is smaller
     *         than the architecture downsamples by (32x32 for VGG16, 4x4 for the others)
     */
    public ModelSpec {
        if (architecture == null) {
            throw new IllegalArgumentException("architecture must be given");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        if (inputChannels < 1 || inputHeight < 1 || inputWidth < 1) {
            throw new IllegalArgumentException("input shape must be positive, got "
                    + inputChannels + "x" + inputHeight + "x" + inputWidth);
        }
        if (!(width > 0) || Double.isInfinite(width)) {
            throw new IllegalArgumentException("width multiplier must be a positive number, got " + width);
        }
        architecture.checkInputSize(inputHeight, inputWidth);
    }

    /**
     * The CIFAR shape (3x32x32) at full width, with {@link #DEFAULT_SEED}.
     *
     * @throws IllegalArgumentException when {@code architecture} is null or {@code numClasses < 2}
     */
    public static ModelSpec cifar(Architecture architecture, int numClasses) {
        return new ModelSpec(architecture, numClasses, CIFAR_CHANNELS, CIFAR_SIZE, CIFAR_SIZE, 1.0, DEFAULT_SEED);
    }

    /**
     * This spec with width multiplier {@code newWidth}.
     *
     * @throws IllegalArgumentException when {@code newWidth} is not a finite positive number
     */
    public ModelSpec withWidth(double newWidth) {
        return new ModelSpec(architecture, numClasses, inputChannels, inputHeight, inputWidth, newWidth, seed);
    }

    /** This spec with weight-initialisation seed {@code newSeed}. */
    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(architecture, numClasses, inputChannels, inputHeight, inputWidth, width, newSeed);
    }

    /**
     * A channel count of the full-width architecture, scaled by the width multiplier:
     * {@code max(1, round(channels * width))}.
     */
    public int scaled(int channels) {
        return Math.max(1, (int) Math.round(channels * width));
    }
}
