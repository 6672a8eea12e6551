package dev.diversify.models;

import dev.diversify.backend.OneDnn;
import dev.diversify.io.HadoopFiles;
import dev.diversify.onnx.OnnxImport;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Models on any Hadoop path: saved with DL4J's {@link ModelSerializer} (a {@code MultiLayerNetwork} is converted
 * to a {@link ComputationGraph} on load) or ONNX files, imported by {@link OnnxImport}. Saving is atomic.
 */
public final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * Loads the model at {@code location} (any Hadoop path) with its updater state, after enabling the oneDNN
     * helpers: as {@link #load(String, InputType.InputTypeConvolutional, IUpdater, double)} with an ONNX file's
     * own input shape and this project's default optimiser (Nesterov momentum 0.9, L2 weight decay 5e-4).
     */
    public static ComputationGraph load(String location) {
        return load(location, null, new Nesterovs(Models.DEFAULT_LEARNING_RATE, Models.DEFAULT_MOMENTUM),
                Models.DEFAULT_WEIGHT_DECAY);
    }

    /**
     * Loads the model at {@code location} (any Hadoop path), recognised by its content: a ZIP saved with
     * {@link ModelSerializer}, with its updater state, or else an ONNX file ({@link OnnxImport}), fed
     * {@code onnxInput} images (null: the shape the file declares) and retrained with {@code updater} and L2
     * weight decay {@code weightDecay}.
     *
     * @throws IllegalArgumentException when the file does not exist, is neither a model saved with
     *         {@link ModelSerializer} nor an ONNX model this project imports (the message names the file, and the
     *         node for an operator it does not import), or holds NaN or infinite parameters ({@link ParameterCheck})
     * @throws UncheckedIOException     when the file system cannot be reached or the file cannot be read
     */
    public static ComputationGraph load(String location, InputType.InputTypeConvolutional onnxInput, IUpdater updater,
                                        double weightDecay) {
        return open(location, (fs, path) -> isZip(fs, path) ? checked(path, read(fs, path))
                : importOnnx(fs, path, onnxInput, updater, weightDecay).network());
    }

    /**
     * A model and the input shape an ONNX file was imported with.
     *
     * @param network   the model
     * @param onnxInput for an ONNX file, the input it was imported for; null for a DL4J zip, which records none
     */
    public record Loaded(ComputationGraph network, InputType.InputTypeConvolutional onnxInput) {
    }

    /**
     * As {@link #load(String)}, telling an ONNX file's input shape: {@code onnxInput} when given, else the file's.
     *
     * @throws IllegalArgumentException as {@link #load(String, InputType.InputTypeConvolutional, IUpdater, double)}
     * @throws UncheckedIOException     when the file system cannot be reached or the file cannot be read
     */
    public static Loaded loadWithInput(String location, InputType.InputTypeConvolutional onnxInput) {
        return open(location, (fs, path) -> {
            if (isZip(fs, path)) {
                return new Loaded(checked(path, read(fs, path)), null);
            }
            OnnxImport.Imported imported = importOnnx(fs, path, onnxInput,
                    new Nesterovs(Models.DEFAULT_LEARNING_RATE, Models.DEFAULT_MOMENTUM), Models.DEFAULT_WEIGHT_DECAY);
            return new Loaded(imported.network(), imported.input());
        });
    }

    /**
     * Imports the ONNX file at {@code location} (any Hadoop path), as {@link #load(String,
     * InputType.InputTypeConvolutional, IUpdater, double)} does, with what the import found.
     *
     * @throws IllegalArgumentException when the file does not exist, is not an ONNX model this project imports
     *         (naming the file, and the node for an operator it does not import), or holds NaN or infinite parameters
     * @throws UncheckedIOException     when the file system cannot be reached or the file cannot be read
     */
    public static OnnxImport.Imported importOnnx(String location, InputType.InputTypeConvolutional input,
                                                 IUpdater updater, double weightDecay) {
        return open(location, (fs, path) -> importOnnx(fs, path, input, updater, weightDecay));
    }

    private static OnnxImport.Imported importOnnx(FileSystem fs, Path path, InputType.InputTypeConvolutional input,
                                                  IUpdater updater, double weightDecay) throws IOException {
        byte[] bytes;
        try (InputStream in = fs.open(path)) {
            bytes = in.readAllBytes();
        }
        OnnxImport.Imported imported = OnnxImport.read(bytes, path.toString(), input, updater, weightDecay);
        checked(path, imported.network());
        return imported;
    }

    private interface Reader<T> {
        T read(FileSystem fs, Path path) throws IOException;
    }

    /** {@code reader}'s result on an existing file, after enabling the oneDNN helpers; errors name the file. */
    private static <T> T open(String location, Reader<T> reader) {
        Path path = new Path(location);
        OneDnn.enableHelpers();
        try {
            FileSystem fs = HadoopFiles.fileSystem(path);
            if (!fs.exists(path)) {
                throw new IllegalArgumentException("model file not found: " + path);
            }
            return reader.read(fs, path);
        } catch (FileNotFoundException e) {
            throw new IllegalArgumentException("model file not found: " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model " + path + ": " + e.getMessage(), e);
        }
    }

    private static ComputationGraph checked(Path path, ComputationGraph graph) {
        ParameterCheck.firstNonFiniteLayer(graph).ifPresent(layer -> {
            throw new IllegalArgumentException(path + ": parameters of layer '" + layer
                    + "' contain NaN or infinite values (a diverged training?)");
        });
        return graph;
    }

    private static boolean isZip(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return in.read() == 'P' && in.read() == 'K';
        }
    }

    private static ComputationGraph read(FileSystem fs, Path path) throws IOException {
        try (InputStream in = fs.open(path)) {
            return OneDnn.useOwnHelpers(ModelSerializer.restoreComputationGraph(in, true));
        } catch (RuntimeException notAGraph) {
            try (InputStream in = fs.open(path)) {
                MultiLayerNetwork network = ModelSerializer.restoreMultiLayerNetwork(in, true);
                return OneDnn.useOwnHelpers(network.toComputationGraph());
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
