package dev.diversify.data;

import static dev.diversify.data.RawFiles.expectedPixel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadersTest {
    @TempDir
    Path dir;

    @Test
    void cifar10ReadsLabelsAndPixelsAcrossFileBoundaries() {
        RawFiles.cifar10(dir);
        RawFiles.write(dir.resolve("batches.meta.txt"),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n".getBytes());
        DatasetSource source = DataSourceSpec.forModels(dir.toString(), null).open();
        assertEquals(DataFormat.CIFAR10, source.format());
        assertEquals(10, source.count(Split.TRAIN));
        assertEquals(3, source.count(Split.TEST));
        assertEquals("truck", source.classNames().get(9));

        LabeledImages images = source.read(Split.TRAIN, 3, 8); // files 2, 3 and 4
        assertArrayEquals(new int[] {3, 4, 5, 6, 7}, images.labels());
        assertEquals(new ImageShape(3, 32, 32), images.shape());
        for (int i = 0; i < images.size(); i++) {
            int label = images.label(i);
            assertEquals(expectedPixel(label, 0, 0, 0), images.pixel(i, 0, 0, 0));
            assertEquals(expectedPixel(label, 1, 2, 5), images.pixel(i, 1, 2, 5), "green, row 2, column 5");
            assertEquals(expectedPixel(label, 2, 31, 31), images.pixel(i, 2, 31, 31));
        }
        assertArrayEquals(new int[] {1, 2, 3}, source.readAll(Split.TEST).labels());
    }

    @Test
    void cifar100ReadsFineLabelsByDefaultAndCoarseOnRequest() {
        byte[] train = RawFiles.concat(RawFiles.cifarRecord(3, 17), RawFiles.cifarRecord(19, 99));
        RawFiles.write(dir.resolve("train.bin"), train);
        RawFiles.write(dir.resolve("test.bin"), RawFiles.cifarRecord(0, 1));
        DatasetSource fine = new DataSourceSpec(dir.toString(), DataFormat.CIFAR100, false, 0, false).open();
        assertEquals(100, fine.numClasses());
        LabeledImages images = fine.readAll(Split.TRAIN);
        assertArrayEquals(new int[] {17, 99}, images.labels());
        assertEquals(expectedPixel(99, 2, 10, 20), images.pixel(1, 2, 10, 20));

        DatasetSource coarse = new DataSourceSpec(dir.toString(), DataFormat.CIFAR100, true, 0, false).open();
        assertEquals(20, coarse.numClasses());
        assertArrayEquals(new int[] {3, 19}, coarse.readAll(Split.TRAIN).labels());
        assertEquals(List.of("0", "1"), coarse.classNames().subList(0, 2), "numbers when no names file");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void idxReadsPlainAndGzipFilesAsIs(boolean gzip) {
        RawFiles.idx(dir, gzip);
        DatasetSource source = new DataSourceSpec(dir.toString(), DataFormat.IDX, false, 0, false).open();
        assertEquals(new ImageShape(1, 28, 28), source.shape());
        assertEquals(6, source.count(Split.TRAIN));
        LabeledImages images = source.read(Split.TRAIN, 2, 5);
        assertArrayEquals(new int[] {2, 3, 4}, images.labels());
        assertEquals((3 * 11 + 7 * 5 + 9) & 0xFF, images.pixel(1, 0, 7, 9), "image 3, row 7, column 9");
        assertArrayEquals(new int[] {9, 8}, source.readAll(Split.TEST).labels());
    }

    @Test
    void idxPadsTo32AndRepeatsTheGreyChannel() {
        RawFiles.idx(dir, true);
        DatasetSource source = DataSourceSpec.forModels(dir.toString(), DataFormat.IDX).open();
        assertEquals(new ImageShape(3, 32, 32), source.shape());
        LabeledImages images = source.read(Split.TEST, 1, 2);
        int original = (11 + 7 * 5 + 9) & 0xFF;
        for (int c = 0; c < 3; c++) {
            assertEquals(original, images.pixel(0, c, 7 + 2, 9 + 2), "centred: shifted by 2 in each direction");
            assertEquals(0, images.pixel(0, c, 0, 0), "padding is black");
            assertEquals(0, images.pixel(0, c, 31, 30));
        }
    }
}
