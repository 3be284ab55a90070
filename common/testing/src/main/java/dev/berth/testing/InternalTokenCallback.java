package dev.berth.testing;

import dev.berth.security.InternalTokens;
import dev.berth.security.Roles;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Tests of a service behind the gateway call it as an administrator that is also a service (its {@code /api} and
 * {@code /internal} routes): a RestAssured filter puts a real token of this JVM's key pair on every request that has
 * no {@code Authorization} of its own. Tests about who may do what remove it ({@code RestAssured.replaceFiltersWith})
 * in their {@code @BeforeEach}; the gateway's tests sign in instead.
 */
public class InternalTokenCallback implements QuarkusTestBeforeEachCallback {

    private static final Filter AS_ADMIN_AND_SERVICE = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + TestKeys.bearer("it", Roles.ADMIN, Roles.SERVICE));
        }
        return context.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        boolean internal = ConfigProvider.getConfig().getOptionalValue("mp.jwt.verify.audiences", String.class)
                .filter(InternalTokens.AUDIENCE::equals).isPresent();
        if (internal) {
            RestAssured.replaceFiltersWith(List.of(AS_ADMIN_AND_SERVICE));
        }
    }
}
