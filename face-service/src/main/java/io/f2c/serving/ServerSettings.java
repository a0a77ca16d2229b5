package io.f2c.serving;

/**
 * Where the HTTP service listens and how large a request may be.
 *
 * @param host address to bind (127.0.0.1: this machine only)
 * @param port 0 picks a free port
 * @param maxRequestBytes larger request bodies are refused with 413 before they are read
 */
public record ServerSettings(String host, int port, long maxRequestBytes) {
  public static final long DEFAULT_MAX_REQUEST_BYTES = 16L << 20;

  public ServerSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host is missing");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("a port is 0..65535 (0 picks a free one), was " + port);
    }
    if (maxRequestBytes <= 0) {
      throw new IllegalArgumentException("max request bytes must be positive");
    }
  }

  /** 127.0.0.1 on a free port, default body limit. */
  public static ServerSettings loopback() {
    return new ServerSettings("127.0.0.1", 0, DEFAULT_MAX_REQUEST_BYTES);
  }
}
