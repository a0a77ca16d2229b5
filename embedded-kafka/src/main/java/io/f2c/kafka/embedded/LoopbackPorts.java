package io.f2c.kafka.embedded;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports on 127.0.0.1 for local servers (the broker, the dashboard). */
public final class LoopbackPorts {
  private LoopbackPorts() {}

  /** A port free on 127.0.0.1 right now. */
  public static int free() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
