package dev.diversify.experiment;

import dev.diversify.io.HadoopFiles;
import dev.diversify.models.ModelFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A training's state after its last finished epoch: the network with its updater state
 * ({@code <location>-epoch-<e>.zip}) and the epochs so far ({@code <location>.json}, written after the network,
 * so that it never names a network that is not complete). Kept only while the training runs; a stage that
 * restarts resumes after that epoch, and computes what an uninterrupted training computes
 * ({@code SparkTrainer#train} with a first epoch).
 *
 * <p>{@code fingerprint} names what the training starts from (the stage, its settings and the starting
 * network's parameters): a checkpoint of another training is never resumed, it is replaced.
 */
final class Checkpoint {
    /** What {@code <location>.json} holds. */
    record State(String fingerprint, String network, List<Epoch> history) {
    }

    /** A saved state: the network after {@code history.size()} epochs. */
    record Saved(ComputationGraph network, List<Epoch> history) {
    }

    private final String location;
    private final String fingerprint;

    Checkpoint(String location, String fingerprint) {
        this.location = location;
        this.fingerprint = fingerprint;
    }

    /**
     * The saved state when there is one for this training, else empty.
     *
     * @throws UncheckedIOException naming the file when the state exists but cannot be read
     */
    Optional<Saved> load() {
        String json = location + ".json";
        if (!HadoopFiles.exists(json)) {
            return Optional.empty();
        }
        State state;
        try {
            state = Stages.JSON.readValue(HadoopFiles.readText(json), State.class);
        } catch (IOException e) {
            throw new UncheckedIOException(json + ": not a training checkpoint (" + e.getMessage()
                    + "); delete it to train from the start", e);
        }
        if (!state.fingerprint().equals(fingerprint) || !HadoopFiles.exists(state.network())) {
            return Optional.empty();
        }
        return Optional.of(new Saved(ModelFiles.load(state.network()), List.copyOf(state.history())));
    }

    /** Saves {@code network} after {@code history.size()} epochs, then removes the state before it. */
    void save(ComputationGraph network, List<Epoch> history) {
        String previous = networkNamed();
        String current = location + "-epoch-" + history.size() + ".zip";
        ModelFiles.save(network, current);
        try {
            HadoopFiles.writeText(location + ".json", Stages.JSON.writeValueAsString(
                    new State(fingerprint, current, List.copyOf(history))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (previous != null && !previous.equals(current)) {
            HadoopFiles.delete(previous);
        }
    }

    /** Removes the state: the training it belongs to has ended. */
    void delete() {
        String network = networkNamed();
        HadoopFiles.delete(location + ".json");
        if (network != null) {
            HadoopFiles.delete(network);
        }
    }

    private String networkNamed() {
        try {
            String json = location + ".json";
            return HadoopFiles.exists(json) ? Stages.JSON.readValue(HadoopFiles.readText(json), State.class).network()
                    : null;
        } catch (IOException e) {
            return null; // a state that cannot be read is replaced
        }
    }
}
