package dev.diversify.models;

import dev.diversify.io.HadoopFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Models saved with DL4J's {@link ModelSerializer} on any Hadoop path. A saved
 * {@code MultiLayerNetwork} is converted to a {@link ComputationGraph} on load; saving is atomic.
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * Loads the model at {@code location} (any Hadoop path) with its updater state, after enabling the oneDNN
     * helpers. A saved {@code MultiLayerNetwork} is converted to a {@link ComputationGraph}.
     *
     * @throws IllegalArgumentException when the file does not exist, is not a model saved with
     *         {@link ModelSerializer}, or holds NaN or infinite parameters (see {@link ParameterCheck})
     * @throws UncheckedIOException     when the file system cannot be reached or the file cannot be read
     */
    public static ComputationGraph load(String location) {
        Path path = new Path(location);
        dev.diversify.backend.OneDnn.enableHelpers();
        try {
            FileSystem fs = HadoopFiles.fileSystem(path);
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("model file not found: " + path);
            }
            ComputationGraph graph = read(fs, path);
            ParameterCheck.firstNonFiniteLayer(graph).ifPresent(layer -> {
                throw new IllegalArgumentException(path + ": parameters of layer '" + layer
                        + "' contain NaN or infinite values (a diverged training?)");
            });
            return graph;
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("model file not found: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + path + ": " + e.getMessage(), e);
        }
    }

    private static ComputationGraph read(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return ModelSerializer.restoreComputationGraph(in, true);
        } catch (RuntimeException notAGraph) {
            try (InputStream in = fs.open(path)) {
                MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(in, true);
                return network.toComputationGraph();
            } catch (RuntimeException | IOException e) {
                throw new IllegalArgumentException(path + ": not a DL4J model saved with ModelSerializer ("
                        + notAGraph.getMessage() + ")", e);
            }
        }
    }

    /**
     * Saves {@code graph} (with its updater state, so training can resume) to {@code location}, atomically:
     * written beside the target, then renamed into place, replacing any existing file
     * ({@link HadoopFiles#writeAtomically}).
     *
     * @throws UncheckedIOException when the file cannot be written
     */
    public static void save(ComputationGraph graph, String location) {
        HadoopFiles.writeAtomically(location, out -> ModelSerializer.writeModel(graph, out, true));
    }
}
