package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

class AugmentationTest {
    private static final ImageShape SHAPE = new ImageShape(3, 8, 8);

    /** One image whose every pixel is distinct and non-zero: value = 1 + c*64 + y*8 + x (mod 255). */
    private static LabeledImages image() {
        byte[] pixels = new byte[SHAPE.size()];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (1 + i % 250);
        }
        return new LabeledImages(SHAPE, pixels, new int[] {0});
    }

    @Test
    void shiftAndMirrorMoveEveryPixelWhereTheyShould() {
        LabeledImages src = image();
        byte[] out = new byte[SHAPE.size()];
        Augmentation.apply(src, 0, out, 0, 2, -3, true);
        LabeledImages result = new LabeledImages(SHAPE, out, new int[] {0});
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int sy = y + 2;
                    int sx = 7 - x - 3;
                    int expected = sy < 8 && sx >= 0 ? src.pixel(0, c, sy, sx) : 0;
                    assertEquals(expected, result.pixel(0, c, y, x), "c" + c + " y" + y + " x" + x);
                }
            }
        }
    }

    @Test
    void randomCropsStayWithinThePaddingAndFlipHalfTheTime() {
        LabeledImages src = image();
        Augmentation augmentation = new Augmentation(4, true);
        Random random = new Random(7);
        Set<String> offsets = new HashSet<>();
        int mirrored = 0;
        byte[] out = new byte[SHAPE.size()];
        for (int trial = 0; trial < 2000; trial++) {
            augmentation.apply(src, 0, out, 0, random);
            LabeledImages result = new LabeledImages(SHAPE, out, new int[] {0});
            int[] found = locate(src, result);
            assertTrue(Math.abs(found[0]) <= 4 && Math.abs(found[1]) <= 4, "shift within padding");
            offsets.add(found[0] + "," + found[1]);
            mirrored += found[2];
        }
        assertEquals(81, offsets.size(), "every shift in [-4, 4]^2 occurs");
        assertTrue(mirrored > 900 && mirrored < 1100, "about half are mirrored: " + mirrored);
    }

    /** Finds (dy, dx, mirrored) that explain {@code result} (some pixel of which is non-zero). */
    private static int[] locate(LabeledImages src, LabeledImages result) {
        for (int m = 0; m <= 1; m++) {
            for (int dy = -4; dy <= 4; dy++) {
                for (int dx = -4; dx <= 4; dx++) {
                    byte[] candidate = new byte[SHAPE.size()];
                    Augmentation.apply(src, 0, candidate, 0, dy, dx, m == 1);
                    if (java.util.Arrays.equals(candidate, result.pixelBytes())) {
                        return new int[] {dy, dx, m};
                    }
                }
            }
        }
        throw new AssertionError("no shift or flip explains the augmented image");
    }

    @Test
    void batchesAreDeterministicBySeedAndKeepTheirShape() {
        byte[] pixels = new byte[10 * SHAPE.size()];
        new Random(1).nextBytes(pixels);
        LabeledImages images = new LabeledImages(SHAPE, pixels, new int[] {0, 1, 2, 0, 1, 2, 0, 1, 2, 0});
        Batches batches = new Batches(4, 3, ChannelStats.of(images), Augmentation.CIFAR);
        List<DataSet> first = batches.of(images, 42);
        List<DataSet> again = batches.of(images, 42);
        List<DataSet> other = batches.of(images, 43);
        assertEquals(3, first.size());
        assertArrayEquals(new long[] {4, 3, 8, 8}, first.get(0).getFeatures().shape());
        assertArrayEquals(new long[] {2, 3}, first.get(2).getLabels().shape());
        for (int b = 0; b < first.size(); b++) {
            assertEquals(first.get(b).getFeatures(), again.get(b).getFeatures());
            assertEquals(first.get(b).getLabels(), again.get(b).getLabels());
        }
        assertFalse(first.get(0).getFeatures().equals(other.get(0).getFeatures()), "another seed, other draws");
    }

    @Test
    void evaluationBatchesAreNormalisedInInputOrder() {
        byte[] pixels = new byte[2 * SHAPE.size()];
        new Random(3).nextBytes(pixels);
        LabeledImages images = new LabeledImages(SHAPE, pixels, new int[] {2, 0});
        ChannelStats stats = new ChannelStats(new double[] {0.5, 0.4, 0.3}, new double[] {0.2, 0.25, 0.5});
        DataSet batch = Batches.forEvaluation(8, 3, stats).of(images, 0).get(0);
        INDArray x = batch.getFeatures();
        assertEquals((images.pixel(1, 2, 5, 6) / 255.0 - 0.3) / 0.5, x.getDouble(1, 2, 5, 6), 1e-5);
        assertEquals((images.pixel(0, 0, 0, 0) / 255.0 - 0.5) / 0.2, x.getDouble(0, 0, 0, 0), 1e-5);
        assertEquals(1.0, batch.getLabels().getDouble(0, 2));
        assertEquals(1.0, batch.getLabels().getDouble(1, 0));
        assertEquals(2.0, batch.getLabels().sumNumber().doubleValue());
    }

    @Test
    void channelStatsAreThoseOfThePixelsScaledToOne() {
        byte[] pixels = new byte[2 * SHAPE.size()];
        for (int i = 0; i < SHAPE.plane(); i++) {
            pixels[i] = 0;                                  // image 0, red: 0
            pixels[SHAPE.plane() + i] = (byte) 255;         // image 0, green: 255
            pixels[2 * SHAPE.plane() + i] = (byte) 51;      // image 0, blue: 51
            pixels[SHAPE.size() + i] = (byte) 255;          // image 1, red: 255
            pixels[SHAPE.size() + SHAPE.plane() + i] = 0;
            pixels[SHAPE.size() + 2 * SHAPE.plane() + i] = (byte) 153;
        }
        ChannelStats stats = ChannelStats.of(new LabeledImages(SHAPE, pixels, new int[] {0, 0}));
        assertEquals(0.5, stats.mean()[0], 1e-12);
        assertEquals(0.5, stats.std()[0], 1e-12);
        assertEquals(0.5, stats.mean()[1], 1e-12);
        assertEquals(0.4, stats.mean()[2], 1e-12);
        assertEquals(0.2, stats.std()[2], 1e-12);
    }
}
