package dev.diversify.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Files on any Hadoop path (bare local path, {@code file://}, {@code hdfs://}, ...), written
 * atomically: to a hidden file beside the target, then renamed, so a reader sees the whole file or none.
 */
public final class HadoopFiles {
    /** Names made by {@link #staging}: {@code .<name>.incomplete-<n>}. */
    private static final java.util.regex.Pattern STAGING = java.util.regex.Pattern.compile("^\\..+\\.incomplete-\\d+$");

    private HadoopFiles() {
    }

    /** Writes the content of one output stream. */
    @FunctionalInterface
    public interface Writer {
        /**
         * Writes the whole content to {@code out}; the caller closes it.
         *
         * @throws IOException when writing fails
         */
        void write(OutputStream out) throws IOException;
    }

    /**
     * The file system of {@code path}, from a default Hadoop {@code Configuration}; on a local disk, with
     * checksum files ({@code .crc}) switched off.
     *
     * @throws UncheckedIOException when the file system cannot be reached
     */
    public static FileSystem fileSystem(Path path) {
        try {
            FileSystem fs = path.getFileSystem(new Configuration());
            if (fs instanceof LocalFileSystem local) {
                local.setWriteChecksum(false); // no .crc file beside every output on local disks
            }
            return fs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the file system of " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@code location} made absolute, with its file system's scheme and authority ({@code file:/...},
     * {@code hdfs://host:port/...}): one text per place, whatever the working directory.
     *
     * @throws UncheckedIOException when its file system cannot be reached
     */
    public static String qualified(String location) {
        Path path = new Path(location);
        return fileSystem(path).makeQualified(path).toString();
    }

    /**
     * Whether a file or directory exists at {@code location}.
     *
     * @throws UncheckedIOException when its file system cannot be reached
     */
    public static boolean exists(String location) {
        Path path = new Path(location);
        try {
            return fileSystem(path).exists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Deletes the file at {@code location} if there is one (not a directory).
     *
     * @throws UncheckedIOException when its file system cannot be reached or the file cannot be deleted
     */
    public static void delete(String location) {
        Path path = new Path(location);
        try {
            FileSystem fs = fileSystem(path);
            if (fs.exists(path) && !fs.delete(path, false)) {
                throw new IOException("delete returned false");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code location} in full, replacing what was there: {@code writer} writes a hidden staging
     * file beside it ({@link #staging}), which then replaces the target ({@link #replace}); on failure, the
     * staging file is deleted.
     *
     * @throws UncheckedIOException when the file cannot be written or put in place
     */
    public static void writeAtomically(String location, Writer writer) {
        Path path = new Path(location);
        Path temporary = staging(path);
        FileSystem fs = fileSystem(path);
        try {
            try (OutputStream out = fs.create(temporary, true)) {
                writer.write(out);
            }
            replace(fs, temporary, path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        } finally {
            try {
                fs.delete(temporary, false);
            } catch (IOException ignored) {
                // nothing is left behind when the rename succeeded
            }
        }
    }

    /**
     * The files and directories directly under {@code directory}, as paths, oldest modification first (then by
     * name); none when it does not exist.
     *
     * @throws UncheckedIOException when the file system cannot be listed
     */
    public static java.util.List<String> list(String directory) {
        Path root = new Path(directory);
        FileSystem fs = fileSystem(root);
        try {
            if (!fs.exists(root)) {
                return java.util.List.of();
            }
            return java.util.Arrays.stream(fs.listStatus(root))
                    .sorted(java.util.Comparator.comparingLong(org.apache.hadoop.fs.FileStatus::getModificationTime)
                            .thenComparing(status -> status.getPath().getName()))
                    .map(status -> status.getPath().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    /** A fresh hidden path beside {@code target} to build it in before {@link #replace} puts it in place. */
    public static Path staging(Path target) {
        // the one naming scheme of staged outputs; STAGING recognises it
        return new Path(target.getParent(), "." + target.getName() + ".incomplete-" + System.nanoTime());
    }

    /**
     * Deletes everything under {@code directory} (recursively) that {@link #staging} could have named:
     * what a writer killed before its rename left behind. Only safe while no other writer works there
     * (the run lock). A missing directory has nothing to clean.
     *
     * @return the paths deleted
     * @throws UncheckedIOException when the file system cannot be listed or written
     */
    public static java.util.List<String> removeStaging(String directory) {
        Path root = new Path(directory);
        FileSystem fs = fileSystem(root);
        java.util.List<String> removed = new java.util.ArrayList<>();
        try {
            if (fs.exists(root)) {
                removeStaging(fs, root, removed);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + root + ": " + e.getMessage(), e);
        }
        return removed;
    }

    private static void removeStaging(FileSystem fs, Path directory, java.util.List<String> removed) throws IOException {
        for (org.apache.hadoop.fs.FileStatus entry : fs.listStatus(directory)) {
            if (STAGING.matcher(entry.getPath().getName()).matches()) {
                fs.delete(entry.getPath(), true);
                removed.add(entry.getPath().toString());
            } else if (entry.isDirectory()) {
                removeStaging(fs, entry.getPath(), removed);
            }
        }
    }

    /**
     * Puts the staged file or directory {@code staged} in the place of {@code target}, replacing it: deletes
     * the target (recursively), then renames. Between the two, neither exists.
     *
     * @throws IOException when the delete or the rename fails
     */
    public static void replace(FileSystem fs, Path staged, Path target) throws IOException {
        fs.delete(target, true);
        if (!fs.rename(staged, target)) {
            throw new IOException("could not rename " + staged + " to " + target);
        }
    }

    /**
     * Writes {@code text} as UTF-8 to {@code location}, atomically ({@link #writeAtomically}).
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void writeText(String location, String text) {
        writeAtomically(location, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The whole file at {@code location}, decoded as UTF-8.
     *
     * @throws IllegalArgumentException when the file does not exist
     * @throws UncheckedIOException     when it cannot be read
     */
    public static String readText(String location) {
        Path path = new Path(location);
        try (InputStream in = fileSystem(path).open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("file not found: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }
}
