package dev.berth.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Every REST client call from one Berth service to another carries this service's internal token, and the id of
 * the request it is made for ({@link RequestIds}).
 */
@Provider
public class InternalAuthFilter implements ClientRequestFilter {

    @Inject
    InternalTokens tokens;

    @Override
    public void filter(ClientRequestContext request) {
        if (!request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + tokens.forService());
        }
        String requestId = RequestIds.current();
        if (requestId != null && !request.getHeaders().containsKey(RequestIds.HEADER)) {
            request.getHeaders().putSingle(RequestIds.HEADER, requestId);
        }
    }
}
