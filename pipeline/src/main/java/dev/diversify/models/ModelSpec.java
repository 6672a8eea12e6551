package dev.diversify.models;

/**
 * What to build: an architecture for a number of classes, an input shape (channels x height x
 * width) and a width multiplier that scales every channel count (rounded, at least 1).
 */
public record ModelSpec(Architecture architecture, int numClasses, int inputChannels, int inputHeight,
                        int inputWidth, double width, long seed) {

    public static final int CIFAR_CHANNELS = 3;
    public static final int CIFAR_SIZE = 32;
    public static final long DEFAULT_SEED = 12345L;

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

    /** The CIFAR shape (3x32x32) at full width. */
    public static ModelSpec cifar(Architecture architecture, int numClasses) {
        return new ModelSpec(architecture, numClasses, CIFAR_CHANNELS, CIFAR_SIZE, CIFAR_SIZE, 1.0, DEFAULT_SEED);
    }

    public ModelSpec withWidth(double newWidth) {
        return new ModelSpec(architecture, numClasses, inputChannels, inputHeight, inputWidth, newWidth, seed);
    }

    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(architecture, numClasses, inputChannels, inputHeight, inputWidth, width, newSeed);
    }

    /** A channel count of the full-width architecture, scaled by the width multiplier. */
    public int scaled(int channels) {
        return Math.max(1, (int) Math.round(channels * width));
    }
}
