package dev.diversify.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading gzip content at an offset, from the once-decompressed copy. */
class DataFilesTest {
    @TempDir
    java.nio.file.Path dir;

    @Test
    void aGzipFileReadsAsItsContentAtEveryOffset() throws IOException {
        byte[] content = bytes(3 << 20, 1);
        Path file = gzip("a.gz", content);
        for (long offset : new long[] {0, 1, 1 << 20, content.length - 5, content.length}) {
            byte[] read = new byte[(int) Math.min(5, content.length - offset)];
            try (InputStream in = DataFiles.open(file, offset)) {
                DataFiles.readFully(in, read, file, offset);
            }
            assertArrayEquals(Arrays.copyOfRange(content, (int) offset, (int) offset + read.length), read, "at " + offset);
        }
        assertEquals(content.length, DataFiles.contentLength(file));
    }

    /** A file written again (another length) is read again, not served from the first one's copy. */
    @Test
    void aReplacedFileIsReadAgain() throws IOException {
        Path file = gzip("b.gz", bytes(1000, 2));
        assertEquals(1000, DataFiles.contentLength(file));
        byte[] second = bytes(1500, 3);
        gzip("b.gz", second);
        byte[] read = new byte[1500];
        try (InputStream in = DataFiles.open(file, 0)) {
            DataFiles.readFully(in, read, file, 0);
        }
        assertArrayEquals(second, read);
    }

    @Test
    void contentOverTheLimitIsNotKept() throws IOException {
        byte[] content = bytes(3 << 20, 4);
        Path file = gzip("c.gz", content);
        assertNull(DataFiles.decompress(file, (3 << 20) - 1), "one byte over");
        assertArrayEquals(content, DataFiles.decompress(file, 3 << 20), "exactly at the limit");
        assertArrayEquals(content, DataFiles.decompress(file, 4 << 20));
    }

    private Path gzip(String name, byte[] content) throws IOException {
        java.nio.file.Path file = dir.resolve(name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(content);
        }
        return new Path(file.toString());
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
