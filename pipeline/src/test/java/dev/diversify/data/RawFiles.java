package dev.diversify.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Hand-written bytes in the real formats, for tests that must know every pixel. */
final class RawFiles {
    private RawFiles() {
    }

    /** A CIFAR record whose pixel (c, y, x) is (label * 7 + c * 50 + y * 3 + x) mod 256. */
    static byte[] cifarRecord(int... labelBytes) {
        int label = labelBytes[labelBytes.length - 1];
        byte[] record = new byte[labelBytes.length + 3072];
        for (int i = 0; i < labelBytes.length; i++) {
            record[i] = (byte) labelBytes[i];
        }
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    record[labelBytes.length + c * 1024 + y * 32 + x] = (byte) expectedPixel(label, c, y, x);
                }
            }
        }
        return record;
    }

    static int expectedPixel(int label, int c, int y, int x) {
        return (label * 7 + c * 50 + y * 3 + x) & 0xFF;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** IDX images whose pixel (y, x) of image i is (i * 11 + y * 5 + x) mod 256. */
    static byte[] idxImages(int count, int rows, int cols) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * cols)
                .putInt(0x00000803).putInt(count).putInt(rows).putInt(cols);
        for (int i = 0; i < count; i++) {
            for (int y = 0; y < rows; y++) {
                for (int x = 0; x < cols; x++) {
                    buffer.put((byte) ((i * 11 + y * 5 + x) & 0xFF));
                }
            }
        }
        return buffer.array();
    }

    static byte[] idxLabels(int... labels) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + labels.length).putInt(0x00000801).putInt(labels.length);
        for (int label : labels) {
            buffer.put((byte) label);
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A CIFAR-10 directory whose five training files hold 2 records each and test file 3; labels 0..9 then 1,2,3. */
    static Path cifar10(Path dir) {
        for (int f = 0; f < 5; f++) {
            write(dir.resolve("data_batch_" + (f + 1) + ".bin"), concat(cifarRecord(2 * f), cifarRecord(2 * f + 1)));
        }
        write(dir.resolve("test_batch.bin"), concat(cifarRecord(1), cifarRecord(2), cifarRecord(3)));
        return dir;
    }

    /** A Fashion-MNIST-like IDX directory: 6 training images (labels 0..5), 2 test (9, 8), 28x28. */
    static Path idx(Path dir, boolean gzip) {
        String gz = gzip ? ".gz" : "";
        write(dir.resolve("train-images-idx3-ubyte" + gz), maybeGzip(idxImages(6, 28, 28), gzip));
        write(dir.resolve("train-labels-idx1-ubyte" + gz), maybeGzip(idxLabels(0, 1, 2, 3, 4, 5), gzip));
        write(dir.resolve("t10k-images-idx3-ubyte" + gz), maybeGzip(idxImages(2, 28, 28), gzip));
        write(dir.resolve("t10k-labels-idx1-ubyte" + gz), maybeGzip(idxLabels(9, 8), gzip));
        return dir;
    }

    private static byte[] maybeGzip(byte[] bytes, boolean gzip) {
        return gzip ? gzip(bytes) : bytes;
    }
}
