package dev.diversify.graph;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to prune, as data: for each pruned group of convolutions, the output channels it keeps.
 * Groups not named keep every channel. Serialises to JSON, so a plan can be saved with a run and
 * replayed on the original model.
 */
public record PruningPlan(List<Entry> groups) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One pruned group.
     *
     * @param group    the group's name (its first convolution)
     * @param members  every convolution of the group
     * @param channels how many output channels the group had
     * @param kept     the kept output channels, sorted
     */
    public record Entry(String group, List<String> members, int channels, int[] kept) {
        @JsonCreator
        public Entry(@JsonProperty("group") String group, @JsonProperty("members") List<String> members,
                     @JsonProperty("channels") int channels, @JsonProperty("kept") int[] kept) {
            this.group = group;
            this.members = List.copyOf(members == null ? List.of(group) : members);
            this.channels = channels;
            this.kept = kept == null ? new int[0] : kept.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && group.equals(e.group) && members.equals(e.members)
                    && channels == e.channels && Arrays.equals(kept, e.kept);
        }

        @Override
        public int hashCode() {
            return group.hashCode() * 31 + Arrays.hashCode(kept);
        }
    }

    @JsonCreator
    public PruningPlan(@JsonProperty("groups") List<Entry> groups) {
        this.groups = List.copyOf(groups == null ? List.of() : groups);
    }

    public static PruningPlan empty() {
        return new PruningPlan(List.of());
    }

    /** A plan keeping {@code kept.get(group)} of each named group of {@code graph} (groups with all channels kept are left out). */
    public static PruningPlan of(ChannelGraph graph, ResidualPolicy policy, Map<String, int[]> kept) {
        Map<String, PruningGroup> byName = new LinkedHashMap<>();
        graph.groups(policy).forEach(g -> byName.put(g.name(), g));
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, int[]> e : kept.entrySet()) {
            PruningGroup group = byName.get(e.getKey());
            if (group == null) {
                throw ChannelGraph.noGroup(policy, e.getKey());
            }
            int[] sorted = e.getValue().clone();
            Arrays.sort(sorted);
            if (sorted.length < group.channels()) {
                entries.add(new Entry(group.name(), group.members(), group.channels(), sorted));
            }
        }
        return new PruningPlan(entries);
    }

    /** The kept channels of each planned group, by group name. */
    public Map<String, int[]> keptByGroup() {
        Map<String, int[]> kept = new LinkedHashMap<>();
        groups.forEach(e -> kept.put(e.group(), e.kept()));
        return kept;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PruningPlan fromJson(String json) {
        try {
            return JSON.readValue(json, PruningPlan.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a pruning plan: " + e.getOriginalMessage(), e);
        }
    }
}
