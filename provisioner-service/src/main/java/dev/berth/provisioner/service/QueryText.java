package dev.berth.provisioner.service;

import java.util.regex.Pattern;

/**
 * A statement's text as the dashboard may show it: password literals ({@code PASSWORD '…'}, {@code password=…} in a
 * connection string) masked, and at most 300 characters. Sessions of an app run the app's own SQL, which can hold
 * secrets Berth cannot know about; only admins and operators see it at all.
 */
final class QueryText {

    static final int MAX = 300;
    /** {@code PASSWORD} followed by a literal: plain, escape-string ({@code E'…\'…'}) or dollar-quoted. */
    private static final Pattern PASSWORD_LITERAL = Pattern.compile(
            "(?i)(password\\s+)(E'(?:[^'\\\\]|\\\\.|'')*'|'(?:[^']|'')*'|\\$\\w*\\$.*?\\$\\w*\\$)", Pattern.DOTALL);
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password\\s*=\\s*)('(?:[^']|'')*'|[^\\s&;']+)");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@\\s]+:)([^@\\s]+)(@)");

    private QueryText() {
    }

    static String masked(String query) {
        if (query == null) {
            return null;
        }
        String text = PASSWORD_LITERAL.matcher(query).replaceAll("$1'***'");
        text = PASSWORD_PARAM.matcher(text).replaceAll("$1***");
        text = URL_PASSWORD.matcher(text).replaceAll("$1***$3");
        return text.length() > MAX ? text.substring(0, MAX) + "…" : text;
    }
}
