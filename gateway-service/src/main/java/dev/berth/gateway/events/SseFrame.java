package dev.berth.gateway.events;

/**
 * One activity entry as the bytes every stream writes ({@code id:}, {@code event:}, {@code data:}), made once by the
 * feed however many streams are open.
 */
record SseFrame(long seq, String text) {
}
