package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ChannelStatsTest {
    private static final ImageShape SHAPE = new ImageShape(3, 32, 32);

    /** {@code n} images whose channel 1 is {@code green} everywhere; channels 0 and 2 vary. */
    private static LabeledImages withConstantGreen(int n, int green, long seed) {
        Random random = new Random(seed);
        byte[] pixels = new byte[n * SHAPE.size()];
        random.nextBytes(pixels);
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(pixels, i * SHAPE.size() + SHAPE.plane(), i * SHAPE.size() + 2 * SHAPE.plane(),
                    (byte) green);
        }
        return new LabeledImages(SHAPE, pixels, new int[n]);
    }

    /** ../shared/cases/make_constant_channel.py: every constant gets the same verdict, std exactly 0. */
    @Test
    void aConstantChannelHasStdExactlyZeroWhateverItsValue() {
        for (int green : new int[] {0, 17, 100, 255}) {
            var error = assertThrows(IllegalArgumentException.class, () -> ChannelStats.of(withConstantGreen(30, green, 1)),
                    "constant " + green);
            assertTrue(error.getMessage().contains("channel 1 has mean " + green / 255.0 + " and std 0.0"),
                    error.getMessage());
        }
    }

    @Test
    void statisticsEqualTheTwoPassReferenceAndDoNotDependOnMergeOrder() {
        LabeledImages a = withConstantGreen(7, 3, 2);
        LabeledImages b = withConstantGreen(5, 200, 3);
        ChannelStats.Accumulator ab = new ChannelStats.Accumulator(3).add(a).merge(new ChannelStats.Accumulator(3).add(b));
        ChannelStats.Accumulator ba = new ChannelStats.Accumulator(3).add(b).merge(new ChannelStats.Accumulator(3).add(a));
        assertEquals(ab.stats(), ba.stats(), "merge order");
        for (int c = 0; c < 3; c++) {
            double sum = 0;
            int n = 0;
            for (LabeledImages images : new LabeledImages[] {a, b}) {
                for (int i = 0; i < images.size(); i++) {
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            sum += images.pixel(i, c, y, x) / 255.0;
                            n++;
                        }
                    }
                }
            }
            double mean = sum / n;
            double squares = 0;
            for (LabeledImages images : new LabeledImages[] {a, b}) {
                for (int i = 0; i < images.size(); i++) {
                    for (int y = 0; y < 32; y++) {
                        for (int x = 0; x < 32; x++) {
                            double d = images.pixel(i, c, y, x) / 255.0 - mean;
                            squares += d * d;
                        }
                    }
                }
            }
            assertEquals(mean, ab.stats().mean()[c], 1e-12, "mean of channel " + c);
            assertEquals(Math.sqrt(squares / n), ab.stats().std()[c], 1e-12, "std of channel " + c);
        }
    }
}
