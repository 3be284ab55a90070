package dev.berth.contracts.problem;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.time.temporal.Temporal;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * A request body Jackson could not read, told as a person would: which field, what it should be, what it was.
 * {@code {"connectionLimit":"x"}} → "connectionLimit must be a whole number, not the string \"x\"".
 */
public final class JsonProblems {

    private JsonProblems() {
    }

    public static Problem of(JsonProcessingException error) {
        return Problem.of(ProblemType.INVALID_REQUEST, detail(error));
    }

    static String detail(JsonProcessingException error) {
        if (error instanceof UnrecognizedPropertyException unknown) {
            return "unknown field " + unknown.getPropertyName() + where(unknown, true);
        }
        if (error instanceof InvalidFormatException format) {
            return subject(format) + " must be " + expected(format.getTargetType()) + ", not "
                    + shown(format.getValue());
        }
        if (error instanceof MismatchedInputException mismatch) {
            String found = found(mismatch.getOriginalMessage());
            if (mismatch.getPath().isEmpty() && found == null) {
                return "the body must be a JSON object; " + mismatch.getOriginalMessage();
            }
            return subject(mismatch) + " must be " + expected(mismatch.getTargetType())
                    + (found == null ? "" : ", not " + found);
        }
        if (error instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return subject(mapping) + " is not valid: " + mapping.getOriginalMessage();
        }
        if (error instanceof StreamReadException parse) {
            JsonLocation at = parse.getLocation();
            return "the body is not valid JSON: " + parse.getOriginalMessage().replaceAll("\\s+", " ")
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")");
        }
        return "the body could not be read as JSON: " + error.getOriginalMessage();
    }

    /** "field connectionLimit", "field app.name", "item 2 of env", or "the body" at the root. */
    private static String subject(JsonMappingException error) {
        String path = path(error);
        return path.isEmpty() ? "the body" : "field " + path;
    }

    private static String where(JsonMappingException error, boolean parentOnly) {
        var refs = error.getPath();
        if (refs.size() <= 1) {
            return "";
        }
        return " in " + refs.subList(0, parentOnly ? refs.size() - 1 : refs.size()).stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    private static String path(JsonMappingException error) {
        return error.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == UUID.class) {
            return "a UUID";
        }
        if (Temporal.class.isAssignableFrom(type)) {
            return "an ISO 8601 date-time (2026-01-31T03:00:00Z)";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "an object";
        }
        return "an object";
    }

    /** What Jackson found, from its message's token name ("from Array value (token `JsonToken.START_ARRAY`)"). */
    private static String found(String message) {
        if (message == null) {
            return null;
        }
        if (message.contains("START_ARRAY")) {
            return "an array";
        }
        if (message.contains("START_OBJECT")) {
            return "an object";
        }
        if (message.contains("VALUE_STRING")) {
            return "a string";
        }
        if (message.contains("VALUE_NUMBER_INT") || message.contains("VALUE_NUMBER_FLOAT")) {
            return "a number";
        }
        if (message.contains("VALUE_TRUE") || message.contains("VALUE_FALSE")) {
            return "a boolean";
        }
        if (message.contains("No content to map")) {
            return "an empty body";
        }
        return null;
    }

    private static String shown(Object value) {
        if (value instanceof String text) {
            String cut = text.length() > 40 ? text.substring(0, 40) + "…" : text;
            return "the string \"" + cut + "\"";
        }
        return String.valueOf(value);
    }
}
