package dev.berth.contracts.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Unreadable request bodies as problem documents naming the field and the type it should have. One mapper per
 * exception type Quarkus REST has a built-in mapper for (which answers an empty 400): the most specific type wins,
 * so each is listed; all say the same through {@link JsonProblems}.
 */
public final class JsonProblemMappers {

    private JsonProblemMappers() {
    }

    static Response answer(JsonProcessingException error) {
        Problem problem = JsonProblems.of(error);
        return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
    }

    @Provider
    @Priority(Priorities.USER - 100)
    public static class Mismatched implements ExceptionMapper<MismatchedInputException> {
        @Override
        public Response toResponse(MismatchedInputException error) {
            return answer(error);
        }
    }

    @Provider
    @Priority(Priorities.USER - 100)
    public static class InvalidFormat implements ExceptionMapper<InvalidFormatException> {
        @Override
        public Response toResponse(InvalidFormatException error) {
            return answer(error);
        }
    }

    @Provider
    @Priority(Priorities.USER - 100)
    public static class Mapping implements ExceptionMapper<JsonMappingException> {
        @Override
        public Response toResponse(JsonMappingException error) {
            return answer(error);
        }
    }

    @Provider
    @Priority(Priorities.USER - 100)
    public static class Parse implements ExceptionMapper<StreamReadException> {
        @Override
        public Response toResponse(StreamReadException error) {
            return answer(error);
        }
    }
}
