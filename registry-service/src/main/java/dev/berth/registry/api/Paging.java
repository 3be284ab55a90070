package dev.berth.registry.api;

import dev.berth.contracts.problem.ProblemException;
import dev.berth.contracts.problem.ProblemType;
import dev.berth.registry.config.RegistryConfig;

/** The {@code page}/{@code size} query parameters of every list, defaulted and checked against the configured bounds. */
record Paging(int index, int size) {

    static Paging of(Integer page, Integer size, RegistryConfig.Page bounds) {
        int index = page == null ? 0 : page;
        int pageSize = size == null ? bounds.defaultSize() : size;
        if (index < 0) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "page must be 0 or more");
        }
        if (pageSize < 1 || pageSize > bounds.maxSize()) {
            throw new ProblemException(ProblemType.INVALID_REQUEST, "size must be between 1 and " + bounds.maxSize());
        }
        return new Paging(index, pageSize);
    }
}
