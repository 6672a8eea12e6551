package dev.diversify.experiment;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diversify.io.HadoopFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One driver per run: the lock file {@code RUN_DIR/_lock}, created atomically (HDFS create without
 * overwrite; on a local disk an exclusive create), holding the holder's host, pid and start time.
 * The holder refreshes the file's modification time every {@code expiry / 4}; a lock whose holder is
 * a dead process on this host, or whose file was not refreshed for {@code expiry}, is stale and taken
 * over. Closing the lock deletes the file.
 */
public final class RunLock implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who holds a lock. */
    record Holder(String host, long pid, String started, String runId) {
        static Holder self(String runId) {
            return new Holder(hostName(), ProcessHandle.current().pid(), Instant.now().toString(), runId);
        }

        @Override
        public String toString() {
            return "pid " + pid + " on " + host + ", started " + started;
        }
    }

    /** Another driver holds the run: a usage error (exit 2), naming the holder. */
    public static final class HeldException extends IllegalArgumentException {
        HeldException(String message) {
            super(message);
        }
    }

    private final FileSystem fs;
    private final Path file;
    private final ScheduledExecutorService heartbeat;

    private RunLock(FileSystem fs, Path file, Duration expiry) {
        this.fs = fs;
        this.file = file;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-lock-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(1, expiry.toMillis() / 4);
        heartbeat.scheduleAtFixedRate(this::refresh, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock of {@code runDirectory} (creating the directory), for run {@code runId}.
     *
     * @param expiry how long a lock may go unrefreshed before it counts as abandoned
     * @throws HeldException        when a live driver holds it: names the holder; nothing is written
     * @throws UncheckedIOException when the file system cannot be reached or written
     */
    public static RunLock acquire(String runDirectory, String runId, Duration expiry) {
        Path file = new Path(runDirectory, "_lock");
        FileSystem fs = HadoopFiles.fileSystem(file);
        Holder self = Holder.self(runId);
        createDirectory(fs, file.getParent());
        try {
            for (int attempt = 0; attempt < 2; attempt++) {
                if (create(fs, file, self)) {
                    return new RunLock(fs, file, expiry);
                }
                Holder holder = read(fs, file);
                if (!isStale(fs, file, holder, expiry)) {
                    throw new HeldException("run " + runId + " is held by another driver (" + (holder == null
                            ? "holder not readable yet" : holder) + ") through "
                            + file + "; wait for it to finish, or use another --run-id. A lock whose holder died is "
                            + "taken over once it is " + expiry.toMinutes() + " min old (diversify.run.lock-expiry)");
                }
                fs.delete(file, false); // a stale lock; if another driver takes it first, the next create fails
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot take the lock " + file + ": " + e.getMessage(), e);
        }
        throw new HeldException("run " + runId + " was taken over by another driver at the same time (" + file + ")");
    }

    /** Creates the run directory, refusing (as bad input) a root that is a file or cannot be written. */
    private static void createDirectory(FileSystem fs, Path directory) {
        String problem;
        try {
            problem = fs.mkdirs(directory) && fs.getFileStatus(directory).isDirectory() ? null : "mkdirs failed";
        } catch (IOException e) {
            problem = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        if (problem != null) {
            throw new IllegalArgumentException("diversify.run.root: cannot create the run directory " + directory
                    + " (" + problem + "); is the root a file, or not writable?");
        }
    }

    /**
     * Whether the lock is abandoned: its holder is a process of this host that is gone, or the file went
     * unrefreshed for {@code expiry}. A lock being written (not readable yet) is live until it expires.
     */
    private static boolean isStale(FileSystem fs, Path file, Holder holder, Duration expiry) throws IOException {
        if (holder != null && holder.host().equals(hostName())
                && ProcessHandle.of(holder.pid()).map(p -> !p.isAlive()).orElse(true)) {
            return true;
        }
        try {
            FileStatus status = fs.getFileStatus(file);
            return System.currentTimeMillis() - status.getModificationTime() > expiry.toMillis();
        } catch (java.io.FileNotFoundException released) {
            return true; // released meanwhile: the next create decides
        }
    }

    private static boolean create(FileSystem fs, Path file, Holder holder) throws IOException {
        byte[] content = JSON.writeValueAsString(holder).getBytes(StandardCharsets.UTF_8);
        if ("file".equals(fs.getUri().getScheme())) { // Hadoop's local create checks, then opens: not atomic
            try {
                Files.write(Paths.get(fs.makeQualified(file).toUri()), content, java.nio.file.StandardOpenOption.CREATE_NEW,
                        java.nio.file.StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        }
    }

    private static Holder read(FileSystem fs, Path file) {
        try (var in = fs.open(file)) {
            return JSON.readValue((java.io.InputStream) in, Holder.class);
        } catch (IOException e) {
            return null;
        }
    }

    private void refresh() {
        try {
            fs.setTimes(file, System.currentTimeMillis(), -1);
        } catch (IOException e) {
            // the next beat tries again; an expired lock is only taken over after several missed beats
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown-host";
        }
    }

    /**
     * Releases the lock: stops refreshing it and deletes the file, and the run directory too when nothing
     * else was written there (a run refused before its first output leaves nothing behind).
     */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            fs.delete(file, false);
            if (fs.listStatus(file.getParent()).length == 0) {
                fs.delete(file.getParent(), false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock " + file + ": " + e.getMessage(), e);
        }
    }
}
