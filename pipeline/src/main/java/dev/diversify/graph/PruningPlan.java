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
 *
 * @param groups the pruned groups (copied, unmodifiable; null reads as none)
 */
public record PruningPlan(List<Entry> groups) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One pruned group.
     *
     * @param group    the group's name (its first convolution)
     * @param members  every convolution of the group
     * @param channels how many output channels the group had
     * @param kept     the kept output channels (sorted when built by {@link PruningPlan#of}); the accessor
     *     returns the stored array itself, not a copy
     */
    public record Entry(String group, List<String> members, int channels, int[] kept) {
        /**
         * One pruned group, as written or as read from JSON; not checked against any model (that is
         * {@code Surgery.apply}'s job).
         *
         * @param members the convolutions; null (a plan without the field) means {@code [group]}
         * @param kept    the kept output channels (copied); null means none
         */
        @JsonCreator
        public Entry(@JsonProperty("group") String group, @JsonProperty("members") List<String> members,
                     @JsonProperty("channels") int channels, @JsonProperty("kept") int[] kept) {
            this.group = group;
            this.members = List.copyOf(members == null ? List.of(group) : members);
            this.channels = channels;
            this.kept = kept == null ? new int[0] : kept.clone();
        }

        /** Equal when group, members, channels and kept channels (by content) are equal. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Entry e && group.equals(e.group) && members.equals(e.members)
                    && channels == e.channels && Arrays.equals(kept, e.kept);
        }

        /** A hash of the group name and the kept channels (by content). */
        @Override
        public int hashCode() {
            return group.hashCode() * 31 + Arrays.hashCode(kept);
        }
    }

    /** A plan of {@code groups} (null: an empty plan); the entries are not checked against any model. */
    @JsonCreator
    public PruningPlan(@JsonProperty("groups") List<Entry> groups) {
        this.groups = List.copyOf(groups == null ? List.of() : groups);
    }

    /** The plan that prunes nothing. */
    public static PruningPlan empty() {
        return new PruningPlan(List.of());
    }

    /**
     * A plan keeping {@code kept.get(group)} (any order; stored sorted) of each named group of {@code graph}
     * under {@code policy}; groups that keep as many channels as they have are left out. The indices are
     * not range-checked here.
     *
     * @param kept the kept output channels, by group name
     * @throws IllegalArgumentException when a name is not a prunable group of {@code graph} under {@code policy}
     */
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

    /** The kept channels of each planned group (sorted when built by {@link #of}), by group name, in plan order. */
    public Map<String, int[]> keptByGroup() {
        Map<String, int[]> kept = new LinkedHashMap<>();
        groups.forEach(e -> kept.put(e.group(), e.kept()));
        return kept;
    }

    /**
     * The plan as indented JSON: {@code {"groups": [{"group", "members", "channels", "kept"}, ...]}}.
     *
     * @throws UncheckedIOException when Jackson cannot write it
     */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The plan {@code json} holds, as {@link #toJson} writes it; not checked against any model.
     *
     * @throws IllegalArgumentException when {@code json} is not a pruning plan
     */
    public static PruningPlan fromJson(String json) {
        try {
            return JSON.readValue(json, PruningPlan.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a pruning plan: " + e.getOriginalMessage(), e);
        }
    }
}
