package dev.diversify.data;

import java.io.Serializable;
import java.util.Random;

/**
 * The standard CIFAR training augmentation (He et al. 2016, "Deep Residual Learning", section 4.2): a random
 * crop of the original size from the image zero-padded by {@code padding} pixels on each side, and a
 * horizontal flip with probability 1/2. Works on raw pixels, so padding is black as in the reference
 * implementations. The random generator is passed in, so a seeded run is reproducible.
 *
 * @param padding the zero padding on each side, in pixels (4 for CIFAR); 0 turns the crop off
 * @param flip    whether to mirror images left-right with probability 1/2
 */
public record Augmentation(int padding, boolean flip) implements Serializable {
    /** The CIFAR recipe: 4 pixels of padding and horizontal flips. */
    public static final Augmentation CIFAR = new Augmentation(4, true);

    /** @throws IllegalArgumentException when {@code padding} is negative */
    public Augmentation {
        if (padding < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padding);
        }
    }

    /**
     * Writes the augmented copy of {@code src}'s image {@code image} into {@code dst} at {@code dstOffset}:
     * {@code src.shape().size()} unsigned pixel bytes in the CHW layout of {@link LabeledImages}. Draws the
     * vertical and horizontal shifts (each uniform in {@code [-padding, padding]} pixels), then, when
     * {@code flip}, the mirroring, from {@code random}.
     *
     * @throws ArrayIndexOutOfBoundsException when {@code dst} holds fewer than {@code src.shape().size()}
     *         bytes from {@code dstOffset}
     */
    public void apply(LabeledImages src, int image, byte[] dst, int dstOffset, Random random) {
        ImageShape shape = src.shape();
        int dy = random.nextInt(2 * padding + 1) - padding;
        int dx = random.nextInt(2 * padding + 1) - padding;
        boolean mirror = flip && random.nextBoolean();
        apply(src, image, dst, dstOffset, dy, dx, mirror);
    }

    /**
     * The deterministic core: output pixel (y, x) is input pixel (y + dy, x' + dx), where x' is x or
     * its mirror, and 0 outside the image.
     */
    static void apply(LabeledImages src, int image, byte[] dst, int dstOffset, int dy, int dx, boolean mirror) {
        ImageShape shape = src.shape();
        byte[] pixels = src.pixelBytes();
        int h = shape.height();
        int w = shape.width();
        int srcBase = src.offset(image);
        for (int c = 0; c < shape.channels(); c++) {
            int plane = c * shape.plane();
            for (int y = 0; y < h; y++) {
                int sy = y + dy;
                for (int x = 0; x < w; x++) {
                    int sx = (mirror ? w - 1 - x : x) + dx;
                    byte value = sy >= 0 && sy < h && sx >= 0 && sx < w ? pixels[srcBase + plane + sy * w + sx] : 0;
                    dst[dstOffset + plane + y * w + x] = value;
                }
            }
        }
    }
}
