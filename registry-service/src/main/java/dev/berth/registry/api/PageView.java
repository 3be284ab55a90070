package dev.berth.registry.api;

import java.util.List;

/** One page of a list: the items, the page index and size asked for, and the total count. */
public record PageView<T>(List<T> items, int page, int size, long total) {
}
