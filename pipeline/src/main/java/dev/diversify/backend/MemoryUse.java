package dev.diversify.backend;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import org.bytedeco.javacpp.Pointer;

/**
 * The memory this JVM uses at one moment, in bytes: the Java heap in use (garbage not yet collected
 * included); the resident memory outside the Java heap (ND4J's arrays and workspaces, oneDNN's caches,
 * native libraries, thread stacks), measured as resident minus committed heap since ND4J's CPU backend
 * does not count its own allocations; and the resident set size of the whole process as the kernel
 * counts it (what an out-of-memory killer or a YARN container limit sees).
 *
 * @param heapBytes     Java heap in use, in bytes
 * @param offHeapBytes  resident memory outside the committed Java heap, in bytes (at least 0)
 * @param residentBytes resident set size of the process, in bytes
 */
public record MemoryUse(long heapBytes, long offHeapBytes, long residentBytes) {

    /** Now, measured in this JVM (in Spark local mode, driver and workers together). */
    public static MemoryUse now() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long resident = Pointer.physicalBytes();
        return new MemoryUse(heap.getUsed(), Math.max(0, resident - heap.getCommitted()), resident);
    }

    /** {@code bytes} in mebibytes (MiB, 2^20 bytes). */
    public static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
