package io.qmp4j.codegen;

import io.qmp4j.codegen.Model.Definition;
import io.qmp4j.codegen.Model.Member;
import io.qmp4j.codegen.Model.TypeRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every QEMU version's schema at once: for each name, the definition of each version that has it,
 * and the members, values and branches merged, each with the versions that have it. Where a
 * version changed a definition (a struct that became a union, a member whose type was renamed),
 * the newest version's shape is the one generated and the older one's members still decode.
 */
final class Merged {

    /** A definition across versions; {@code byVersion} in version order, the newest last. */
    record Def(String name, Map<String, Definition> byVersion) {
        Definition newest() {
            return byVersion.values().stream().reduce((a, b) -> b).orElseThrow();
        }

        List<String> in() {
            return List.copyOf(byVersion.keySet());
        }
    }

    /** A member across versions: the newest type; required only where every version that has it requires it. */
    record MMember(String name, TypeRef type, List<String> in, boolean required, List<String> features, String condition,
                   boolean legacy) {
    }

    /** An enum value, branch or alternative across versions, with the newest type. */
    record MValue(String name, TypeRef type, List<String> in, List<String> features, String condition) {
    }

    private final List<String> versions;
    private final Map<String, Model.Schema> schemas = new LinkedHashMap<>();
    private final Map<String, Def> defs = new LinkedHashMap<>();
    private final Map<String, Map<String, Definition>> index = new LinkedHashMap<>();

    Merged(List<Model.Schema> models) {
        List<String> vs = new ArrayList<>();
        for (Model.Schema s : models) {
            vs.add(s.qemu());
            schemas.put(s.qemu(), s);
            Map<String, Definition> byName = new LinkedHashMap<>();
            s.definitions().forEach(d -> byName.put(d.name(), d));
            index.put(s.qemu(), byName);
        }
        this.versions = List.copyOf(vs);
        // The newest version's order first, then what only older versions have.
        for (int i = models.size() - 1; i >= 0; i--) {
            for (Definition d : models.get(i).definitions()) {
                defs.computeIfAbsent(d.name(), n -> {
                    Map<String, Definition> by = new LinkedHashMap<>();
                    for (String v : versions) {
                        Definition x = index.get(v).get(n);
                        if (x != null) {
                            by.put(v, x);
                        }
                    }
                    return new Def(n, by);
                });
            }
        }
    }

    List<String> versions() {
        return versions;
    }

    Model.Schema schema(String version) {
        return schemas.get(version);
    }

    Iterable<Def> all() {
        return defs.values();
    }

    Def get(String name) {
        return defs.get(name);
    }

    /** @return the definition named {@code name} in {@code version}, or null */
    Definition in(String version, String name) {
        return index.get(version).get(name);
    }

    /**
     * @param d a struct, union, command or event
     * @return its members across versions (a struct's with its base's first; a union's base; a
     *         command's or event's arguments when not boxed), the newest version's order first
     */
    List<MMember> members(Def d) {
        Map<String, List<Member>> byName = new LinkedHashMap<>();
        Map<String, List<String>> in = new LinkedHashMap<>();
        List<String> order = new ArrayList<>();
        for (int i = versions.size() - 1; i >= 0; i--) {
            String v = versions.get(i);
            Definition x = d.byVersion().get(v);
            if (x == null) {
                continue;
            }
            for (Member m : flatMembers(v, x)) {
                if (!byName.containsKey(m.name())) {
                    order.add(m.name());
                }
                byName.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(m);
                in.computeIfAbsent(m.name(), k -> new ArrayList<>()).add(0, v);
            }
        }
        Set<String> inBranches = branchMembers(d);
        List<MMember> out = new ArrayList<>();
        for (String n : order) {
            // An older version's struct member that the newest version's union has in a branch: read
            // as the union's own only when there is no discriminator (that version's reply).
            boolean legacy = inBranches.contains(n) && !inUnionBase(d, n);
            List<Member> ms = byName.get(n); // newest first
            boolean required = ms.stream().noneMatch(Member::optional) && in.get(n).size() == d.byVersion().size();
            out.add(new MMember(n, ms.get(0).type(), List.copyOf(in.get(n)), required && !legacy, ms.get(0).features(),
                    ms.get(0).condition(), legacy));
        }
        return out;
    }

    /** @return the names of the members of the newest version's branches, when it is a union */
    private Set<String> branchMembers(Def d) {
        Set<String> out = new HashSet<>();
        String newest = d.in().get(d.in().size() - 1);
        if (d.newest() instanceof Model.Union u) {
            for (Model.Value b : u.branches()) {
                flatMembers(newest, in(newest, b.type().name())).forEach(m -> out.add(m.name()));
            }
        }
        return out;
    }

    /** @return whether some version that has {@code d} as a union has member {@code n} in its base */
    private boolean inUnionBase(Def d, String n) {
        for (Map.Entry<String, Definition> e : d.byVersion().entrySet()) {
            if (e.getValue() instanceof Model.Union && flatMembers(e.getKey(), e.getValue()).stream().anyMatch(m -> m.name().equals(n))) {
                return true;
            }
        }
        return false;
    }

    /** The members of one version's definition, its base's first. */
    List<Member> flatMembers(String v, Definition x) {
        List<Member> out = new ArrayList<>();
        String base = null;
        List<Member> own;
        if (x instanceof Model.Struct s) {
            base = s.base();
            own = s.members();
        } else if (x instanceof Model.Union u) {
            base = u.base();
            own = u.baseMembers();
        } else if (x instanceof Model.Command c) {
            base = c.boxed() ? null : c.data();
            own = c.members();
        } else if (x instanceof Model.Event e) {
            base = e.boxed() ? null : e.data();
            own = e.members();
        } else {
            throw new IllegalArgumentException(x.name() + " has no members");
        }
        if (base != null) {
            out.addAll(flatMembers(v, in(v, base)));
        }
        out.addAll(own);
        return out;
    }

    /** @return a union's branches, an alternate's alternatives or an enum's values across versions, newest order first */
    List<MValue> values(Def d) {
        Map<String, List<Model.Value>> byName = new LinkedHashMap<>();
        Map<String, List<String>> in = new LinkedHashMap<>();
        for (int i = versions.size() - 1; i >= 0; i--) {
            String v = versions.get(i);
            Definition x = d.byVersion().get(v);
            List<Model.Value> vals = x instanceof Model.Union u ? u.branches()
                    : x instanceof Model.Alternate a ? a.alternatives()
                    : x instanceof Model.Enum e ? e.values() : List.of();
            for (Model.Value val : vals) {
                byName.computeIfAbsent(val.name(), k -> new ArrayList<>()).add(val);
                in.computeIfAbsent(val.name(), k -> new ArrayList<>()).add(0, v);
            }
        }
        List<MValue> out = new ArrayList<>();
        byName.forEach((n, vals) -> out.add(new MValue(n, vals.get(0).type(), List.copyOf(in.get(n)), vals.get(0).features(),
                vals.get(0).condition())));
        return out;
    }

    /** @return the names of the types used as a branch of some union's newest version, with those unions */
    Map<String, Set<String>> branchOf() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Def d : defs.values()) {
            if (d.newest() instanceof Model.Union) {
                for (MValue b : values(d)) {
                    out.computeIfAbsent(b.type().name(), k -> new LinkedHashSet<>()).add(d.name());
                }
            }
        }
        return out;
    }
}
