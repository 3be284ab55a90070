package dev.berth.provisioner.hook;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * Blocking streams over one unix-socket channel that may be read and written by two threads at once (a hijacked
 * attach: stdin one way, output the other). {@code Channels.newInputStream} cannot do that on Java 17: its streams
 * share the channel's blocking lock, so a reader waiting for output would stall the writer forever.
 */
final class ChannelStreams {

    final SocketChannel channel;
    final InputStream in;
    final OutputStream out;

    ChannelStreams(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedInputStream(new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                int n;
                do {
                    n = channel.read(ByteBuffer.wrap(b, off, len));
                } while (n == 0);
                return n;
            }
        }, 16 * 1024);
        this.out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }

    /** No more bytes will be written: the peer reads end-of-stream (stdin closed), the other direction stays open. */
    void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException ignored) {
            // already closed by the peer: nothing left to tell it
        }
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing to do
        }
    }
}
