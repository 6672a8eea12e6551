package dev.diversify.experiment;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunLockTest {
    private static final Duration EXPIRY = Duration.ofMinutes(10);

    @TempDir
    Path dir;

    private static void writeLock(Path run, String host, long pid) throws Exception {
        Files.createDirectories(run);
        Files.writeString(run.resolve("_lock"), "{\"host\":\"" + host + "\",\"pid\":" + pid
                + ",\"started\":\"2026-01-01T00:00:00Z\",\"runId\":\"r\"}");
    }

    @Test
    void aSecondDriverIsRefusedNamingTheHolderUntilTheFirstReleases() {
        String run = dir.resolve("r").toString();
        try (RunLock first = RunLock.acquire(run, "r", EXPIRY)) {
            var refused = assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(run, "r", EXPIRY));
            assertTrue(refused.getMessage().contains("pid " + ProcessHandle.current().pid()), refused.getMessage());
            assertTrue(Files.exists(Path.of(run, "_lock")));
        }
        assertFalse(Files.exists(Path.of(run)), "released, and the empty run directory removed");
        RunLock.acquire(run, "r", EXPIRY).close(); // free again
    }

    @Test
    void aLockOfADeadProcessOnThisHostIsTakenOver() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path run = dir.resolve("dead");
        writeLock(run, InetAddress.getLocalHost().getHostName(), gone.pid());
        try (RunLock lock = RunLock.acquire(run.toString(), "r", EXPIRY)) {
            assertTrue(Files.readString(run.resolve("_lock")).contains("\"pid\":" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void aLockOfAnotherHostIsLiveUntilItExpires() throws Exception {
        Path run = dir.resolve("remote");
        writeLock(run, "some-other-host", 4242);
        var refused = assertThrows(RunLock.HeldException.class, () -> RunLock.acquire(run.toString(), "r", EXPIRY));
        assertTrue(refused.getMessage().contains("pid 4242 on some-other-host"), refused.getMessage());
        Files.setLastModifiedTime(run.resolve("_lock"), FileTime.from(Instant.now().minus(EXPIRY).minusSeconds(60)));
        RunLock.acquire(run.toString(), "r", EXPIRY).close();
    }

    @Test
    void aRootThatIsAFileIsBadInput() throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
        var error = assertThrows(IllegalArgumentException.class,
                () -> RunLock.acquire(file.resolve("run").toString(), "r", EXPIRY));
        assertTrue(error.getMessage().startsWith("diversify.run.root: cannot create the run directory"), error.getMessage());
    }
}
