package io.qmp4j.codegen;

import java.util.ArrayList;
import java.util.List;

/** The generated Javadoc and {@code @Qapi} annotations: facts from the models, sentences of ours, no QEMU text. */
final class Docs {

    private final Merged merged;

    Docs(Merged merged) {
        this.merged = merged;
    }

    /** @return e.g. "In QEMU 7.2 and 10.0", "Only in QEMU 10.0 (not 7.2)" */
    String versions(List<String> in) {
        List<String> all = merged.versions();
        if (in.size() == all.size()) {
            return "In QEMU " + join(in);
        }
        List<String> not = new ArrayList<>(all);
        not.removeAll(in);
        return "Only in QEMU " + join(in) + " (not " + join(not) + ")";
    }

    private static String join(List<String> vs) {
        if (vs.size() == 1) {
            return vs.get(0);
        }
        return String.join(", ", vs.subList(0, vs.size() - 1)) + " and " + vs.get(vs.size() - 1);
    }

    /** The paragraph after a type's summary: versions, since, features, condition, and the link to QEMU's documentation. */
    String about(Merged.Def d) {
        Model.Definition n = d.newest();
        String newest = d.in().get(d.in().size() - 1);
        StringBuilder b = new StringBuilder(versions(d.in()));
        if (n.since() != null) {
            b.append(" (since ").append(n.since()).append(')');
        }
        b.append('.');
        features(b, n.features());
        if (n.condition() != null) {
            b.append(" Built only when {@code ").append(n.condition()).append("}.");
        }
        String at = n.at();
        int colon = at.lastIndexOf(':');
        String file = at.substring(0, colon);
        b.append(" QEMU's documentation: <a href=\"https://gitlab.com/qemu-project/qemu/-/blob/")
                .append(merged.schema(newest).upstream()).append('/').append(file).append("#L").append(at.substring(colon + 1))
                .append("\">").append(file).append("</a>.");
        return b.toString();
    }

    static void features(StringBuilder b, List<String> features) {
        if (features.contains("deprecated")) {
            b.append(" Deprecated.");
        }
        if (features.contains("unstable")) {
            b.append(" Unstable.");
        }
        for (String f : features) {
            if (!f.equals("deprecated") && !f.equals("unstable")) {
                b.append(" Feature {@code ").append(f).append("}.");
            }
        }
    }

    /**
     * @param in the versions that have a member, value or alternative
     * @param typeIn the versions that have its type
     * @return {@code "only in QEMU 10.0"}, or empty when every version of its type has it
     */
    static String onlyIn(List<String> in, List<String> typeIn) {
        return in.size() < typeIn.size() ? "only in QEMU " + join(in) : "";
    }

    /** @return what a member's {@code @param} says after its QAPI name */
    String member(Merged.MMember m, List<String> typeIn) {
        StringBuilder b = new StringBuilder(m.required() ? "required" : "optional");
        String only = onlyIn(m.in(), typeIn);
        if (!only.isEmpty()) {
            b.append("; ").append(only);
        }
        StringBuilder f = new StringBuilder();
        features(f, m.features());
        if (f.length() > 0) {
            b.append(";").append(f.toString().toLowerCase().replace(".", ""));
        }
        if (m.condition() != null) {
            b.append("; built only when {@code ").append(m.condition()).append('}');
        }
        if (m.legacy()) {
            b.append("; a member of the branch in newer versions, read here only from a reply without the discriminator");
        }
        return b.toString();
    }

    /** @return {@code @Qapi(name = "x", in = {...}, ...)} */
    static String annotation(String name, List<String> in, String since, List<String> features, String condition) {
        StringBuilder b = new StringBuilder("@Qapi(name = \"").append(name).append("\", in = ").append(Names.quote(in));
        if (since != null) {
            b.append(", since = \"").append(since).append('"');
        }
        if (features != null && !features.isEmpty()) {
            b.append(", features = ").append(Names.quote(features));
        }
        if (condition != null) {
            b.append(", condition = \"").append(condition).append('"');
        }
        return b.append(')').toString();
    }
}
