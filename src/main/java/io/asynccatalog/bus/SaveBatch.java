package io.asynccatalog.bus;

import io.asynccatalog.domain.Product;

import java.util.List;

/** Products received together from the queue, to be stored together. */
public record SaveBatch(List<Product> products) {
  public SaveBatch {
    products = List.copyOf(products);
  }
}
