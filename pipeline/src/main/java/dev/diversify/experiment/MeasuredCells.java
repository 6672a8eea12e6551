package dev.diversify.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.diversify.experiment.Decisions.CellToMeasure;
import dev.diversify.io.HadoopFiles;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Sweep accuracies already measured on one network and one set of validation images, so that the experiments
 * of a run that sweep the same network (several targets, objectives or schedules from one baseline) measure
 * each cell once. The file is named by a SHA-256 digest of everything a cell's accuracy depends on besides
 * the cell: the network's configuration and parameters (batch-norm statistics included), the dataset's
 * location, format, image shape and classes, the validation indices, their normalisation and batch size, and
 * the residual policy. A change in any of them names another file, so accuracies are never read for inputs
 * they were not measured on.
 */
final class MeasuredCells {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String file;
    private final Map<String, Double> known;

    private MeasuredCells(String file, Map<String, Double> known) {
        this.file = file;
        this.known = known;
    }

    /** Nothing kept: every cell is measured (a sweep outside a run). */
    static MeasuredCells none() {
        return new MeasuredCells(null, new TreeMap<>());
    }

    /**
     * The cells measured before on {@code network} in {@code at}, kept where {@code location} says for a
     * digest (e.g. {@link dev.diversify.results.RunLayout#sweepCells}).
     *
     * @throws IllegalStateException naming the file when it exists but is not such a table
     */
    static MeasuredCells of(Function<String, String> location, ComputationGraph network, SweepContext at) {
        String file = location.apply(key(network, at));
        if (!HadoopFiles.exists(file)) {
            return new MeasuredCells(file, new TreeMap<>());
        }
        try {
            return new MeasuredCells(file, JSON.readValue(HadoopFiles.readText(file), new TypeReference<TreeMap<String,
                    Double>>() { }));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable sweep cache " + file + " (" + e.getOriginalMessage()
                    + "); delete it to measure its cells again", e);
        }
    }

    /** The accuracy measured for {@code cell}, or null when it was not. */
    Double accuracy(CellToMeasure cell) {
        return known.get(name(cell));
    }

    /** Where the cells are kept, or null when they are not. */
    String file() {
        return file;
    }

    /** Adds {@code measured} to what is kept and rewrites the file (atomically) when there is one. */
    void record(Map<CellToMeasure, Double> measured) {
        measured.forEach((cell, accuracy) -> known.put(name(cell), accuracy));
        if (file != null) {
            try {
                HadoopFiles.writeText(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(known));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static String name(CellToMeasure cell) {
        return cell.group() + " " + cell.kept();
    }

    /** The hex SHA-256 of what a sweep cell's accuracy depends on besides the cell (see the class comment). */
    static String key(ComputationGraph network, SweepContext at) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java platform has SHA-256
        }
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("configuration", network.getConfiguration().toJson());
        inputs.put("data", at.source().location() + " " + at.source().format() + " " + at.source().shape() + " "
                + at.source().numClasses() + " " + at.source().classNames());
        inputs.put("validation", java.util.Arrays.toString(at.validation()));
        inputs.put("normalisation", at.batches().stats() + " batch " + at.batches().batchSize());
        inputs.put("policy", at.policy());
        inputs.forEach((name, value) -> digest.update((name + "=" + value + "\n").getBytes(StandardCharsets.UTF_8)));
        float[] parameters = network.params().toFloatVector();
        ByteBuffer bytes = ByteBuffer.allocate(Float.BYTES * parameters.length);
        bytes.asFloatBuffer().put(parameters);
        digest.update(bytes.array());
        return HexFormat.of().formatHex(digest.digest());
    }
}
