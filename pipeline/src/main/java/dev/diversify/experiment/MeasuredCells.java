package dev.diversify.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diversify.config.CodeRevision;
import dev.diversify.experiment.Decisions.CellToMeasure;
import dev.diversify.io.HadoopFiles;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sweep accuracies already measured on one network and one set of validation images, so that the experiments of a
 * run that sweep the same network (several targets, objectives or schedules from one baseline) measure each cell
 * once. The file is named by a SHA-256 digest of everything a cell's accuracy depends on besides the cell: the code
 * revision, the network's configuration and exact parameters (batch-norm statistics included), its input, the
 * residual policy, and the validation images and their batches ({@link SweepContext#validationIdentity}). Inputs
 * that differ in any of them name another file.
 *
 * <p>Holding an instance holds the file's lock in this JVM until {@link #close}: experiments of a run that sweep
 * the same network at once take turns, and the second reads what the first measured (one driver per run:
 * {@link RunLock}).
 */
final class MeasuredCells implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

    private final String file;
    private final Map<String, Map<String, Double>> known; // group -> kept channels -> accuracy
    private final ReentrantLock lock;

    private MeasuredCells(String file, Map<String, Map<String, Double>> known, ReentrantLock lock) {
        this.file = file;
        this.known = known;
        this.lock = lock;
    }

    /** Nothing kept: every cell is measured (a sweep outside a run). */
    static MeasuredCells none() {
        return new MeasuredCells(null, new TreeMap<>(), null);
    }

    /**
     * The cells measured before on {@code network} in {@code at}, kept in the file {@code location} names for the
     * digest; waits while another experiment of this JVM holds that file. A file that cannot be read is said on
     * {@code at}'s progress and counts as empty (its cells are measured again and the file rewritten).
     *
     * @param location the file for a digest (hex SHA-256), e.g. {@link dev.diversify.results.RunLayout#sweepCells}
     * @throws UncheckedIOException when the file system cannot be reached
     */
    static MeasuredCells of(Function<String, String> location, ComputationGraph network, SweepContext at) {
        String file = location.apply(key(network, at));
        ReentrantLock lock = LOCKS.computeIfAbsent(file, f -> new ReentrantLock());
        lock.lock();
        Map<String, Map<String, Double>> known = new TreeMap<>();
        try {
            if (HadoopFiles.exists(file)) {
                known = JSON.readValue(HadoopFiles.readText(file), new TypeReference<TreeMap<String, Map<String,
                        Double>>>() { });
            }
        } catch (JsonProcessingException | IllegalArgumentException e) {
            at.say().accept("sweep: cannot read " + file + " (" + e.getMessage() + "); its cells are measured again");
        } catch (RuntimeException e) {
            lock.unlock();
            throw e;
        }
        return new MeasuredCells(file, known, lock);
    }

    /** The top-1 validation accuracy (a fraction) measured for {@code cell}, or null when it was not. */
    Double accuracy(CellToMeasure cell) {
        return known.getOrDefault(cell.group(), Map.of()).get(cell.kept().toString());
    }

    /** Where the cells are kept, or null when they are not. */
    String file() {
        return file;
    }

    /**
     * Adds {@code measured} (top-1 validation accuracies, fractions) to what is kept and rewrites the file
     * atomically when there is one.
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    void record(Map<CellToMeasure, Double> measured) {
        measured.forEach((cell, accuracy) -> known.computeIfAbsent(cell.group(), g -> new TreeMap<>())
                .put(cell.kept().toString(), accuracy));
        if (file != null) {
            try {
                HadoopFiles.writeText(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(known));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e); // a map of strings and numbers always serialises
            }
        }
    }

    /** Lets the next experiment that sweeps the same network read the file. */
    @Override
    public void close() {
        if (lock != null && lock.isHeldByCurrentThread()) {
            lock.unlock();
        }
    }

    /** The hex SHA-256 of what a sweep cell's accuracy depends on besides the cell (see the class comment). */
    static String key(ComputationGraph network, SweepContext at) {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("revision", CodeRevision.get());
        inputs.put("configuration", network.getConfiguration().toJson());
        inputs.put("input", String.valueOf(at.input()));
        inputs.put("policy", String.valueOf(at.policy()));
        inputs.put("validation", at.validationIdentity());
        try {
            return sha256(JSON.writeValueAsBytes(inputs), Nd4j.toByteArray(network.params()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // in-memory serialisation
        }
    }

    /** The hex SHA-256 of {@code parts}, one after the other. */
    static String sha256(byte[]... parts) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (byte[] part : parts) {
                digest.update(part);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
    }

    /** The hex SHA-256 of {@code text} in UTF-8. */
    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }
}
