package dev.berth.contracts.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What a person reads when Jackson cannot map their body: the field, the type it needs, what they sent. */
class JsonProblemsTest {

    record Create(String app, Integer connectionLimit, Map<String, String> env, List<String> command, UUID id,
            Nested nested) {
    }

    record Nested(boolean on) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String detail(String body) {
        JsonProcessingException error = assertThrows(JsonProcessingException.class,
                () -> JSON.readValue(body, Create.class));
        Problem problem = JsonProblems.of(error);
        assertEquals(400, problem.status());
        return problem.detail();
    }

    @Test
    void wrongTypesNameTheFieldAndTheExpectedType() {
        assertEquals("field app must be a string, not an object", detail("{\"app\":{\"a\":1}}"));
        assertEquals("field connectionLimit must be a whole number, not the string \"x\"",
                detail("{\"connectionLimit\":\"x\"}"));
        assertEquals("field command must be an array, not a number", detail("{\"command\":5}"));
        JSON.disable(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT); // as StrictJson does
        assertEquals("field connectionLimit must be a whole number, not 1.5",
                detail("{\"connectionLimit\":1.5}"));
        assertEquals("field env must be an object, not an array", detail("{\"env\":[1]}"));
        assertEquals("field nested.on must be true or false, not the string \"maybe\"",
                detail("{\"nested\":{\"on\":\"maybe\"}}"));
        assertTrue(detail("{\"id\":\"nope\"}").startsWith("field id must be a UUID"), detail("{\"id\":\"nope\"}"));
    }

    @Test
    void aBodyThatIsNotAnObjectOrNotJsonSaysSo() {
        assertEquals("the body must be an object, not an array", detail("[]"));
        String broken = detail("{\"app\": ");
        assertTrue(broken.startsWith("the body is not valid JSON: Unexpected end-of-input"), broken);
        assertTrue(broken.endsWith("(line 1, column 9)"), broken);
        assertTrue(detail("not json").startsWith("the body is not valid JSON: Unrecognized token 'not'"));
    }
}
