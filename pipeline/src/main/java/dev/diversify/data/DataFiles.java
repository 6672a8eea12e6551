package dev.diversify.data;

import dev.diversify.io.HadoopFiles;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
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
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        try (InputStream in = open(path, 0)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
            return total;
        } catch (ZipException e) {
            throw corruptGzip(path, e);
        } catch (EOFException e) {
            throw new InvalidDataException(path + ": compressed stream ends early after " + total
                    + " bytes (truncated gzip)", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
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
