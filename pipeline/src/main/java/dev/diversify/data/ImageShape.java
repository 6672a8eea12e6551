package dev.diversify.data;

import java.io.Serializable;

/** The shape of one image: channels x height x width, stored channel-major (CHW) as in CIFAR. */
public record ImageShape(int channels, int height, int width) implements Serializable {

    public ImageShape {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("image shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    public int size() {
        return channels * height * width;
    }

    public int plane() {
        return height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
