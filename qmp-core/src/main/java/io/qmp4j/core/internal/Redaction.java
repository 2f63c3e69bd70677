package io.qmp4j.core.internal;

import java.util.regex.Pattern;

/**
 * Keeps secrets out of the wire log: the {@code data} of a {@code secret} object (in
 * {@code object-add}, or an HMP {@code object_add} inside {@code human-monitor-command}) and any
 * {@code password} member ({@code set_password}, {@code change-vnc-password}, block device keys).
 */
final class Redaction {

    private static final String HIDDEN = "<redacted>";
    private static final Pattern SECRET_DATA = Pattern.compile("(\"data\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern HMP_SECRET_DATA = Pattern.compile("(object_add\\s+secret[^\"]*?data=)[^,\"]*");
    private static final Pattern PASSWORD = Pattern.compile("(\"[a-z-]*password\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

    private Redaction() {
    }

    /**
     * @param json a command as it goes on the wire
     * @return the same text with secrets replaced by {@value #HIDDEN}
     */
    static String redact(String json) {
        String s = json;
        if (s.contains("\"secret") || s.contains("secret_keyring")) {
            s = SECRET_DATA.matcher(s).replaceAll("$1\"" + HIDDEN + "\"");
        }
        if (s.contains("object_add")) {
            s = HMP_SECRET_DATA.matcher(s).replaceAll("$1" + HIDDEN);
        }
        if (s.contains("password\"")) {
            s = PASSWORD.matcher(s).replaceAll("$1\"" + HIDDEN + "\"");
        }
        return s;
    }
}
