package dev.diversify.data;

import java.io.Serializable;

/**
 * The shape of one image: channels x height x width, stored channel-major (CHW) as in CIFAR.
 *
 * @param channels C, at least 1
 * @param height   H in pixels, at least 1
 * @param width    W in pixels, at least 1
 */
public record ImageShape(int channels, int height, int width) implements Serializable {

    /** @throws IllegalArgumentException when a dimension is below 1 */
    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    /** Values per image, {@code C * H * W}: bytes as read, floats in a minibatch. */
    public int size() {
        return channels * height * width;
    }

    /** Values per channel, {@code H * W}. */
    public int plane() {
        return height * width;
    }

    /** {@code CxHxW}, e.g. {@code 3x32x32}. */
    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
