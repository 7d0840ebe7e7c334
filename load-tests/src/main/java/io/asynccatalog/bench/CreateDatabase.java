package io.asynccatalog.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.SqlClient;

import java.util.concurrent.TimeUnit;

/**
 * Creates an empty database in the local PostgreSQL, so that each benchmark mode stores into tables of its own, as
 * each DynamoDB mode has its own table. Usage: CreateDatabase port name
 */
public final class CreateDatabase {
  private CreateDatabase() {}

  public static void main(String[] args) throws Exception {
    create(Integer.parseInt(args[0]), args[1]);
    System.out.println("created database " + args[1]);
  }

  static void create(int port, String name) throws Exception {
    if (!name.matches("[a-z0-9_]{1,60}")) {
      throw new IllegalArgumentException("a database name of lower-case letters, digits and _: " + name);
    }
    Vertx vertx = Vertx.vertx();
    try {
      SqlClient client = PgBuilder.client().connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(port)
          .setDatabase("postgres").setUser("postgres")).using(vertx).build();
      client.query("CREATE DATABASE " + name).execute().await(60, TimeUnit.SECONDS);
      client.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
