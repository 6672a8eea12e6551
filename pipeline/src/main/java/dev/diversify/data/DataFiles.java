package dev.diversify.data;

import dev.diversify.io.HadoopFiles;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * File access through Hadoop's {@link FileSystem}, so bare local paths, {@code file://},
 * {@code hdfs://} (and {@code s3a://} with its jars) behave the same. Errors name the file.
 */
final class DataFiles {
    /**
     * Gzip files up to this decompressed size (256 MiB, or an eighth of the heap when that is less:
     * decompressing needs up to about twice the size while the buffer grows) are decompressed once per JVM
     * and read from memory; larger ones are decompressed from their start at every read.
     */
    static final int MAX_CACHED_GZIP_BYTES = (int) Math.min(256 << 20, Runtime.getRuntime().maxMemory() / 8);

    /**
     * Decompressed gzip contents by qualified path, length and modification time. A gzip stream cannot
     * seek: read block by block (the training blocks of an epoch), each read decompressed the file from its
     * start, so an epoch of full Fashion-MNIST decompressed about 2.5 GB. Soft references let the garbage
     * collector take them back before it runs out of heap.
     */
    private static final Map<String, SoftReference<byte[]>> GZIP_CONTENTS = new ConcurrentHashMap<>();
    private static final byte[] TOO_LARGE = new byte[0];

    private DataFiles() {
    }

    static Path path(String directory, String name) {
        return new Path(new Path(directory), name);
    }

    static FileSystem fileSystem(Path path) {
        return HadoopFiles.fileSystem(path);
    }

    static void requireDirectory(String directory) {
        Path path = new Path(directory);
        FileStatus status = status(path);
        if (status == null) {
            throw new InvalidDataException("data directory not found: " + path);
        }
        if (!status.isDirectory()) {
            throw new InvalidDataException("not a directory: " + path);
        }
    }

    static boolean exists(Path path) {
        return status(path) != null;
    }

    /** The first of {@code names} that exists in {@code directory}, or an error listing them all. */
    static Path firstExisting(String directory, String... names) {
        for (String name : names) {
            Path candidate = path(directory, name);
            if (exists(candidate)) {
                return candidate;
            }
        }
        throw new InvalidDataException("missing file in " + directory + ": expected " + String.join(" or ", names));
    }

    static long length(Path path) {
        FileStatus status = status(path);
        if (status == null) {
            throw new InvalidDataException("missing file: " + path);
        }
        return status.getLen();
    }

    private static FileStatus status(Path path) {
        try {
            return fileSystem(path).getFileStatus(path);
        } catch (FileNotFoundException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    static boolean isGzip(Path path) {
        return path.getName().endsWith(".gz");
    }

    /** Opens {@code path} positioned at byte {@code offset} of its (decompressed) content. */
    static InputStream open(Path path, long offset) {
        byte[] content = isGzip(path) ? gzipContent(path) : null;
        if (content == null) {
            return stream(path, offset);
        }
        if (offset > content.length) {
            throw new InvalidDataException(path + ": ends before byte " + offset + " (truncated)");
        }
        return new ByteArrayInputStream(content, (int) offset, content.length - (int) offset);
    }

    private static InputStream stream(Path path, long offset) {
        try {
            FSDataInputStream raw = fileSystem(path).open(path);
            if (!isGzip(path)) {
                raw.seek(offset);
                return raw;
            }
            InputStream in = new GZIPInputStream(raw, 1 << 16);
            skipFully(in, offset, path);
            return in;
        } catch (FileNotFoundException e) {
            throw new InvalidDataException("missing file: " + path, e);
        } catch (ZipException e) {
            throw corruptGzip(path, e);
        } catch (EOFException e) {
            throw new InvalidDataException(path + ": ends before byte " + offset + " (truncated)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * The decompressed content of gzip file {@code path}, decompressed at most once per JVM while it is
     * kept; null when it is larger than {@link #MAX_CACHED_GZIP_BYTES}.
     */
    private static byte[] gzipContent(Path path) {
        FileStatus status = status(path);
        if (status == null) {
            throw new InvalidDataException("missing file: " + path);
        }
        String key = status.getPath() + " " + status.getLen() + " " + status.getModificationTime();
        byte[][] content = new byte[1][];
        GZIP_CONTENTS.compute(key, (k, kept) -> {
            content[0] = kept == null ? null : kept.get();
            if (content[0] == null) {
                byte[] decompressed = decompress(path, MAX_CACHED_GZIP_BYTES);
                content[0] = decompressed == null ? TOO_LARGE : decompressed;
            }
            return kept != null && kept.get() == content[0] ? kept : new SoftReference<>(content[0]);
        });
        return content[0] == TOO_LARGE ? null : content[0];
    }

    /** The decompressed content of gzip file {@code path}, or null when it is larger than {@code max} bytes. */
    static byte[] decompress(Path path, int max) {
        byte[] buffer = new byte[Math.min(1 << 20, max)];
        int total = 0;
        try (InputStream in = stream(path, 0)) {
            for (int n; (n = in.read(buffer, total, buffer.length - total)) >= 0; ) {
                total += n;
                if (total == buffer.length) {
                    if (total == max) {
                        return in.read() < 0 ? buffer : null;
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(2L * total, max));
                }
            }
            return Arrays.copyOf(buffer, total);
        } catch (IOException e) {
            throw wholeReadError(path, total, e);
        }
    }

    /** Reads exactly {@code buffer.length} bytes that start at byte {@code offset} of {@code path}. */
    static void readFully(InputStream in, byte[] buffer, Path path, long offset) {
        int done = 0;
        try {
            while (done < buffer.length) {
                int n = in.read(buffer, done, buffer.length - done);
                if (n < 0) {
                    throw new InvalidDataException(path + ": ends at byte " + (offset + done) + ", expected "
                            + buffer.length + " bytes from byte " + offset + " (truncated)");
                }
                done += n;
            }
        } catch (ZipException e) {
            throw corruptGzip(path, e);
        } catch (EOFException e) {
            throw new InvalidDataException(path + ": compressed stream ends early near byte "
                    + (offset + done) + " (truncated gzip)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** The number of bytes in {@code path}'s content: its length, or for gzip the decompressed length. */
    static long contentLength(Path path) {
        if (!isGzip(path)) {
            return length(path);
        }
        byte[] content = gzipContent(path);
        if (content != null) {
            return content.length;
        }
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (InputStream in = stream(path, 0)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
            return total;
        } catch (IOException e) {
            throw wholeReadError(path, total, e);
        }
    }

    /** The error for a read of gzip file {@code path} from its start that failed after {@code bytes} bytes. */
    private static RuntimeException wholeReadError(Path path, long bytes, IOException e) {
        if (e instanceof ZipException) {
            return corruptGzip(path, e);
        }
        if (e instanceof EOFException) {
            return new InvalidDataException(path + ": compressed stream ends early after " + bytes
                    + " bytes (truncated gzip)", e);
        }
        return new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }

    private static void skipFully(InputStream in, long bytes, Path path) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new EOFException(path + " ends before byte " + bytes);
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static InvalidDataException corruptGzip(Path path, IOException e) {
        return new InvalidDataException(path + ": corrupt gzip stream (" + e.getMessage() + ")", e);
    }

    static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // reading is done; nothing to recover
        }
    }
}
