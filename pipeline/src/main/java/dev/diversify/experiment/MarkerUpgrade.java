package dev.diversify.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Reads stage markers written before stage results were typed (up to commit 5f018cb): a flat map of the
 * result's fields and {@code seconds}, training histories and sweep cells as positional lists, costs as
 * three top-level numbers. Each is rewritten into the current shape, {@code {"seconds", "result"}}, so a
 * run started by that version resumes instead of recomputing (a baseline can be days of training).
 */
final class MarkerUpgrade {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> EPOCH = List.of("epoch", "learningRate", "loss", "validationAccuracy", "seconds",
            "heapMib", "offHeapMib", "residentMib");
    private static final List<String> CELL = List.of("group", "tau", "channels", "kept", "validationAccuracy");

    private MarkerUpgrade() {
    }

    /**
     * A sweep marker of the typed shape whose {@code chosen} still names thresholds (written between the
     * typed markers and grid points by index): rewritten in place to grid points.
     */
    static void upgradeChosenTaus(JsonNode marker) {
        JsonNode result = marker.get("result");
        JsonNode chosen = result == null ? null : result.get("chosen");
        boolean taus = chosen != null && chosen.isObject() && java.util.stream.StreamSupport.stream(
                chosen.spliterator(), false).anyMatch(JsonNode::isFloatingPointNumber);
        if (taus && result.get("cells") instanceof ArrayNode cells) {
            ((ObjectNode) result).set("chosen", chosenPoints(cells, chosen));
        }
    }

    /** Whether {@code marker} has the old, flat shape. */
    static boolean isLegacy(JsonNode marker) {
        return marker.isObject() && !marker.has("result") && marker.has("seconds");
    }

    /** The old flat marker of a {@code type} result as a current one. */
    static ObjectNode upgrade(JsonNode old, Class<?> type) {
        ObjectNode result = NODES.objectNode();
        if (type == StageResults.Data.class) {
            old.fields().forEachRemaining(f -> result.set(f.getKey(), f.getValue()));
            result.remove("seconds");
        } else if (type == StageResults.Baseline.class) {
            result.set("history", positional(old.get("history"), EPOCH));
            result.set("cost", cost(old));
            result.set("channels", old.get("channels"));
            result.set("validationAccuracy", old.get("validationAccuracy"));
            result.set("accuracy", old.get("accuracy"));
        } else if (type == StageResults.Similarity.class) {
            result.set("groups", old.get("groups"));
        } else if (type == StageResults.Sweep.class) {
            result.set("baselineValidation", old.get("baselineValidation"));
            ArrayNode cells = positional(old.get("cells"), CELL);
            result.set("cells", cells);
            result.set("chosen", chosenPoints(cells, old.get("chosen")));
        } else if (type == StageResults.Pruned.class) {
            result.set("cost", cost(old));
            result.set("channels", old.get("channels"));
            result.set("accuracy", old.get("accuracy"));
        } else if (type == StageResults.Retrained.class) {
            result.set("history", positional(old.get("history"), EPOCH));
            result.set("cost", cost(old));
            result.set("accuracy", old.get("accuracy"));
        } else {
            throw new IllegalArgumentException("no legacy shape of " + type.getSimpleName());
        }
        ObjectNode marker = NODES.objectNode();
        marker.set("seconds", old.get("seconds"));
        marker.set("result", result);
        return marker;
    }

    /** The old sweep named each group's chosen threshold; now it names the point, its index among the group's cells. */
    private static ObjectNode chosenPoints(ArrayNode cells, JsonNode chosenTaus) {
        ObjectNode chosen = NODES.objectNode();
        java.util.Map<String, Integer> position = new java.util.HashMap<>();
        for (JsonNode cell : cells) {
            String group = cell.get("group").asText();
            int point = position.merge(group, 1, Integer::sum) - 1;
            JsonNode tau = chosenTaus == null ? null : chosenTaus.get(group);
            if (tau != null && tau.asDouble() == cell.get("tau").asDouble() && !chosen.has(group)) {
                chosen.put(group, point);
            }
        }
        if (chosenTaus != null) {
            chosenTaus.fieldNames().forEachRemaining(group -> {
                if (!chosen.has(group)) {
                    throw new IllegalArgumentException("the chosen tau " + chosenTaus.get(group) + " of '" + group
                            + "' is none of its sweep cells");
                }
            });
        }
        return chosen;
    }

    private static ObjectNode cost(JsonNode old) {
        ObjectNode cost = NODES.objectNode();
        for (String key : List.of("params", "bnStatistics", "macs")) {
            cost.set(key, old.get(key));
        }
        return cost;
    }

    /** Lists of values as objects with {@code names}; missing trailing values (older markers) are NaN. */
    private static ArrayNode positional(JsonNode rows, List<String> names) {
        ArrayNode objects = NODES.arrayNode();
        if (rows == null || rows.isNull()) {
            return objects; // a loaded baseline has no history
        }
        for (JsonNode row : rows) {
            ObjectNode object = objects.addObject();
            for (int i = 0; i < names.size(); i++) {
                JsonNode value = row.get(i);
                if (value != null && (names.get(i).equals("epoch") || names.get(i).equals("channels")
                        || names.get(i).equals("kept"))) {
                    value = NODES.numberNode(value.asInt()); // written as 1.0 by the untyped version
                }
                object.set(names.get(i), value == null || value.isNull() ? NODES.numberNode(Double.NaN) : value);
            }
        }
        return objects;
    }
}
