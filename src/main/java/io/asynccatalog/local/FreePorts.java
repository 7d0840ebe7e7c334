package io.asynccatalog.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks a free port for a server that cannot report the port it bound. */
final class FreePorts {
  private FreePorts() {}

  static int pick(String host) throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }
}
