package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/** Every kind of broken input fails with a message naming the file and what is wrong. */
class BadInputTest {
    @TempDir
    Path dir;

    private static void fails(Executable action, String... fragments) {
        InvalidDataException error = assertThrows(InvalidDataException.class, action);
        for (String fragment : fragments) {
            assertTrue(error.getMessage().contains(fragment), "'" + error.getMessage() + "' should mention " + fragment);
        }
    }

    private DatasetSource open(DataFormat format) {
        return new DataSourceSpec(dir.toString(), format, false, 0, false).open();
    }

    @Test
    void missingDirectoryAndFiles() {
        fails(() -> DataSourceSpec.forModels(dir.resolve("nowhere").toString(), DataFormat.CIFAR10).open(),
                "data directory not found", "nowhere");
        fails(() -> DataFormat.detect(dir.toString()), "no known dataset", dir.toString());
        RawFiles.cifar10(dir);
        dir.resolve("data_batch_4.bin").toFile().delete();
        fails(() -> open(DataFormat.CIFAR10), "missing file", "data_batch_4.bin");
    }

    @Test
    void cifarFileThatIsNotWholeRecordsOrEmpty() {
        RawFiles.cifar10(dir);
        RawFiles.write(dir.resolve("data_batch_2.bin"), Arrays.copyOf(RawFiles.cifarRecord(1), 3073 + 100));
        fails(() -> open(DataFormat.CIFAR10), "data_batch_2.bin", "3173 bytes", "not a whole number of 3073-byte");
        RawFiles.write(dir.resolve("data_batch_2.bin"), new byte[0]);
        fails(() -> open(DataFormat.CIFAR10), "data_batch_2.bin", "empty file");
    }

    @Test
    void cifarLabelOutOfRangeNamesRecordAndOffset() {
        RawFiles.cifar10(dir);
        RawFiles.write(dir.resolve("data_batch_3.bin"),
                RawFiles.concat(RawFiles.cifarRecord(4), RawFiles.cifarRecord(12)));
        DatasetSource source = open(DataFormat.CIFAR10);
        fails(() -> source.readAll(Split.TRAIN), "data_batch_3.bin", "record 1 (byte 3073)", "label 12", "0..9");

        RawFiles.write(dir.resolve("train.bin"), RawFiles.cifarRecord(20, 5));
        RawFiles.write(dir.resolve("test.bin"), RawFiles.cifarRecord(0, 0));
        DatasetSource coarse = new DataSourceSpec(dir.toString(), DataFormat.CIFAR100, true, 0, false).open();
        fails(() -> coarse.readAll(Split.TRAIN), "train.bin", "record 0", "coarse label 20", "0..19");
    }

    @Test
    void idxWrongMagicNumber() {
        RawFiles.idx(dir, false);
        RawFiles.write(dir.resolve("train-labels-idx1-ubyte"), RawFiles.idxImages(6, 28, 28));
        fails(() -> open(DataFormat.IDX), "train-labels-idx1-ubyte", "wrong magic number 0x00000803",
                "expected 0x00000801");
    }

    @Test
    void idxDimensionsThatDoNotMatchTheFileLength() {
        RawFiles.idx(dir, false);
        byte[] images = RawFiles.idxImages(6, 28, 28);
        RawFiles.write(dir.resolve("train-images-idx3-ubyte"), Arrays.copyOf(images, images.length - 28));
        fails(() -> open(DataFormat.IDX), "train-images-idx3-ubyte", "6 images of 28x28", "(4720 bytes)",
                "file has 4692 bytes");
    }

    @Test
    void idxImageAndLabelCountsDiffer() {
        RawFiles.idx(dir, true);
        RawFiles.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), RawFiles.gzip(RawFiles.idxLabels(1, 2, 3)));
        fails(() -> open(DataFormat.IDX), "t10k-images-idx3-ubyte.gz holds 2 images",
                "t10k-labels-idx1-ubyte.gz holds 3 labels");
    }

    @Test
    void idxLabelOutOfRange() {
        RawFiles.idx(dir, false);
        RawFiles.write(dir.resolve("t10k-labels-idx1-ubyte"), RawFiles.idxLabels(3, 10));
        DatasetSource source = open(DataFormat.IDX);
        fails(() -> source.readAll(Split.TEST), "t10k-labels-idx1-ubyte", "label 1 (byte 9) is 10");
    }

    @Test
    void gzipThatIsCorruptOrTruncated() {
        RawFiles.idx(dir, true);
        byte[] gz = RawFiles.gzip(RawFiles.idxImages(6, 28, 28));
        RawFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), Arrays.copyOf(gz, gz.length / 2));
        fails(() -> open(DataFormat.IDX), "train-images-idx3-ubyte.gz", "truncated gzip");

        byte[] corrupt = gz.clone();
        for (int i = 20; i < 60; i++) {
            corrupt[i] ^= (byte) 0x5A;
        }
        RawFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), corrupt);
        fails(() -> open(DataFormat.IDX), "train-images-idx3-ubyte.gz", "corrupt gzip");

        RawFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[] {1, 2, 3, 4, 5});
        fails(() -> open(DataFormat.IDX), "train-images-idx3-ubyte.gz", "corrupt gzip");
    }
}
