package io.asynccatalog.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 by hand over a socket, for requests a client library refuses to send: invalid bytes, broken framing,
 * huge headers, bodies that stall. One request per connection.
 */
public final class RawHttp {
  private RawHttp() {}

  /** A parsed response: status, headers (lower-case names) and body. */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  /** Sends the bytes, optionally leaves the connection open without sending more, and reads the answer. */
  public static Response exchange(int port, byte[] request, int readTimeoutMs) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(readTimeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return read(socket.getInputStream());
    }
  }

  public static byte[] request(String method, String path, Map<String, String> headers, byte[] body) {
    StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1\r\n");
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (body != null && !headers.containsKey("Content-Length") && !headers.containsKey("Transfer-Encoding")) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (body != null) {
      bytes.writeBytes(body);
    }
    return bytes.toByteArray();
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        all.write(buffer, 0, n);
        Response complete = parse(all.toByteArray());
        if (complete != null) {
          return complete;
        }
      }
    } catch (SocketTimeoutException e) {
      throw new IOException("no complete answer: " + all.toString(StandardCharsets.ISO_8859_1), e);
    } catch (IOException e) {
      Response partial = parse(all.toByteArray());
      if (partial != null) {
        return partial;
      }
      throw e;
    }
    Response last = parse(all.toByteArray());
    if (last == null) {
      throw new IOException("connection closed without a complete answer: " + all.toString(StandardCharsets.ISO_8859_1));
    }
    return last;
  }

  /** The response if the bytes hold a complete one (Content-Length framing), else null. */
  private static Response parse(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return null;
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    String body = text.substring(end + 4);
    String length = headers.get("content-length");
    if (length != null && body.getBytes(StandardCharsets.UTF_8).length < Integer.parseInt(length)) {
      return null;
    }
    return new Response(status, headers, body);
  }
}
