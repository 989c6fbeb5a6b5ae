package io.micro.selector;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What one selection uses: filters, applied in order, then a strategy. Immutable; derive variants
 * with {@link #toBuilder()}.
 *
 * @param filters applied in order to the versions the registry returned
 * @param strategy walks the nodes that survive the filters
 */
public record SelectOptions(List<Filter> filters, Strategy strategy) {

  /** No filter, {@link Strategy#random()}. */
  public static final SelectOptions DEFAULT = new SelectOptions(List.of(), Strategy.random());

  /** Copies the filter list. */
  public SelectOptions {
    filters = List.copyOf(filters);
    Objects.requireNonNull(strategy, "strategy");
  }

  /** A builder starting from {@link #DEFAULT}. */
  public static Builder builder() {
    return new Builder(DEFAULT);
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds {@link SelectOptions}; not thread-safe. */
  public static final class Builder {
    private final List<Filter> filters;
    private Strategy strategy;

    private Builder(SelectOptions from) {
      this.filters = new ArrayList<>(from.filters);
      this.strategy = from.strategy;
    }

    /** Adds filters, applied after those added before. */
    public Builder filter(Filter... more) {
      for (Filter f : more) {
        filters.add(Objects.requireNonNull(f, "filter"));
      }
      return this;
    }

    /** Sets the strategy (default {@link Strategy#random()}). */
    public Builder strategy(Strategy strategy) {
      this.strategy = Objects.requireNonNull(strategy, "strategy");
      return this;
    }

    /** The options. */
    public SelectOptions build() {
      return new SelectOptions(filters, strategy);
    }
  }
}
