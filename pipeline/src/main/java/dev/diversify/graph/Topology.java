package dev.diversify.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/** Orders the vertices of a graph configuration, which DL4J only does once a network is initialised. */
public final class Topology {
    private Topology() {
    }

    /**
     * The network inputs, then every vertex after all of its inputs. Each pass over the vertices not yet
     * placed, in the configuration's order, places every one whose inputs are placed (including inputs
     * placed earlier in the same pass).
     *
     * @return every vertex name once, network inputs first
     * @throws IllegalArgumentException when the graph has a cycle or a vertex reads an input that does not exist
     */
    public static List<String> order(ComputationGraphConfiguration conf) {
        Map<String, List<String>> inputs = conf.getVertexInputs();
        List<String> order = new ArrayList<>(conf.getNetworkInputs());
        Map<String, Boolean> placed = new HashMap<>();
        order.forEach(name -> placed.put(name, true));
        List<String> pending = new ArrayList<>(conf.getVertices().keySet());
        while (!pending.isEmpty()) {
            int before = pending.size();
            pending.removeIf(name -> {
                boolean ready = inputs.getOrDefault(name, List.of()).stream().allMatch(placed::containsKey);
                if (ready) {
                    order.add(name);
                    placed.put(name, true);
                }
                return ready;
            });
            if (pending.size() == before) {
                throw new IllegalArgumentException("the graph has a cycle or a missing input among " + pending);
            }
        }
        return order;
    }
}
